"""Each API module imports on its own, first, in a fresh process: routers depend on auth.py, and
api.py on the routers, one way (a router imported first used to fail on a half-built api.py)."""
import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["parley.api.discussion", "parley.api.following", "parley.api.sources",
                                    "parley.api.articles", "parley.api.auth", "parley.api.api"])
def test_an_api_module_imports_first_in_a_fresh_process(module, tmp_path):
    code = f"import django; django.setup(); import {module}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parley.settings", "PARLEY_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
