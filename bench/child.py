"""Running a benchmark's measuring code in a child process on a kept archive: Django reads its
database at start-up, so each database (SQLite in a data folder under bench/out, or a PostgreSQL
database on PARLEY_BENCH_PG, see bench/pg.py) gets a process of its own, and the child prints one
JSON line of figures as its last line."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def run(code: str, name: str, database: str, fresh: bool, *argv) -> dict:
    """Run `code` (Python source) against the archive `name` on `database` ("sqlite" or "postgresql"),
    rebuilt when fresh, with argv as its arguments; return the child's last line, read as JSON."""
    data = OUT / f"{name}-{database}"
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_LOG_LEVEL": "WARNING", "PARLEY_PAGE_CACHE_SECONDS": "0",
           "DJANGO_SETTINGS_MODULE": "parley.settings"}
    env.pop("DATABASE_URL", None)
    if database == "postgresql":
        import pg

        env["DATABASE_URL"] = pg.database(f"parley_bench_{name.replace('-', '_')}", fresh=fresh)
    done = subprocess.run([sys.executable, "-c", code, *map(str, argv)], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])
