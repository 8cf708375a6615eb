"""Settings: every one documented, read only through parley.conf, and production-safe."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parley.conf import SETTINGS, env

ROOT = Path(__file__).resolve().parent.parent


def readme_settings_table() -> dict[str, str]:
    """Return {name: row} for the rows of the manual's settings table (docs/manual.md)."""
    rows = {}
    for line in (ROOT / "docs" / "manual.md").read_text().splitlines():
        m = re.match(r"^\|\s*`([A-Z_]+)`\s*\|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def test_every_setting_is_in_the_readme():
    """Ensure each declared setting has a row in the manual's table, and no row is stale."""
    table = readme_settings_table()
    assert set(table) == {s.name for s in SETTINGS}


def test_readme_defaults_are_the_tables():
    """Ensure the manual's default column says what parley/conf.py's table says, setting by setting."""
    table = readme_settings_table()
    for setting in SETTINGS:
        cell = table[setting.name].split("|")[2].strip()
        shown = "empty" if cell == "empty" else cell.replace("`", "").strip("()")
        assert shown == ("empty" if setting.default == "" else setting.default.strip("()")), setting.name


def test_defaults_are_written_once():
    """Ensure settings.py passes no default of its own (it would be a second copy of the table's),
    except DATABASE_URL, whose default path is computed from the data folder."""
    text = (ROOT / "parley" / "settings.py").read_text()
    second_copies = re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)",', text)
    assert second_copies == ["DATABASE_URL"]


def test_data_folder_and_database_are_private(tmp_path):
    """Ensure a new data folder, its SQLite database and secret key are readable by their owner only."""
    data = tmp_path / "fresh"
    done = subprocess.run([sys.executable, "-m", "parley.cli", "migrate", "-v0"], capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", ""), "PARLEY_DATA_DIR": str(data)}, check=False)
    assert done.returncode == 0, done.stderr
    for path in (data, data / "parley.sqlite3", data / "secret_key"):
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is {oct(path.stat().st_mode & 0o777)}"


def test_code_reads_environment_only_through_conf():
    """Ensure no module but parley/conf.py reads os.environ, so every setting is a declared one."""
    offenders = []
    for path in (ROOT / "parley").rglob("*.py"):
        if path.name == "conf.py" or "tests" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"os\.environ(?!\.setdefault\(\"DJANGO_SETTINGS_MODULE\")|os\.getenv", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_undeclared_setting_is_an_error():
    """Ensure reading an undeclared variable fails loudly."""
    with pytest.raises(KeyError, match="not a declared Parley setting"):
        env("PARLEY_NO_SUCH_THING")


def test_bad_integer_setting_says_which(monkeypatch):
    """Ensure a malformed number names the setting."""
    from parley.conf import env_int
    monkeypatch.setenv("PARLEY_PAGE_CACHE_SECONDS", "soon")
    with pytest.raises(ValueError, match="PARLEY_PAGE_CACHE_SECONDS must be a whole number"):
        env_int("PARLEY_PAGE_CACHE_SECONDS")


def test_secret_key_generated_once_and_kept(tmp_path):
    """Ensure an unset SECRET_KEY is generated once and the same key is read back."""
    from parley.conf import secret_key
    first = secret_key(tmp_path)
    assert len(first) > 50 and secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_settings_pass_deploy_check(tmp_path):
    """Ensure `check --deploy --fail-level WARNING` passes with production settings."""
    env_vars = {
        "PATH": os.environ.get("PATH", ""), "PARLEY_DATA_DIR": str(tmp_path), "PARLEY_HTTPS": "1",
        "DEBUG": "0", "ALLOWED_HOSTS": "news.example.com",
    }
    done = subprocess.run([sys.executable, "-m", "parley.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env_vars, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr + done.stdout


def test_development_settings_fail_deploy_check(tmp_path):
    """Ensure the deploy check does flag a site served without HTTPS (so the passing test means something)."""
    env_vars = {"PATH": os.environ.get("PATH", ""), "PARLEY_DATA_DIR": str(tmp_path), "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-m", "parley.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env_vars, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "SECURE_HSTS_SECONDS" in done.stderr + done.stdout
