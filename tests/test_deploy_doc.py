"""docs/deploy.md, exercised: its tested shell blocks run against a real database (a backup, rows
deleted, the restore brings them back), its nginx configuration passes `nginx -t`, and its systemd
units start `parley` with options `parley` accepts."""
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "deploy.md").read_text()
BIN = Path(sys.executable).parent


def block(name: str) -> str:
    """The fenced block that follows `<!-- test: name -->`."""
    found = re.search(rf"<!-- test: {name} -->\n```\w*\n(.*?)```", DOC, re.S)
    assert found, f"docs/deploy.md has no tested block {name!r}"
    return found.group(1)


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(script: str, env: dict, cwd: Path) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def count_articles(env: dict, cwd: Path) -> int:
    out = run("parley shell -c 'from parley.articles.models import Article; print(Article.objects.count())'", env, cwd)
    return int(out.strip().splitlines()[-1])


def _admin(sql: str) -> None:
    """Run one statement outside any transaction (CREATE/DROP DATABASE), as the test database's role."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"],
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def deployment(tmp_path):
    """A deployment's environment: its own data folder and database (a fresh PostgreSQL database when
    the tests run on PostgreSQL), migrated and holding the demo content."""
    env = {"PATH": f"{BIN}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path), "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "BACKUPS": str(tmp_path / "backups"), "PARLEY_LOG_LEVEL": "WARNING"}
    name = None
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        name = f"parley_doc_{uuid.uuid4().hex[:8]}"
        _admin(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    run("parley migrate -v0 && parley demo", env, tmp_path)
    yield env
    if name:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_blocks_bring_the_data_back(deployment, tmp_path):
    """Ensure the backup block's copy, restored by the restore block after rows are deleted, has every row."""
    script = block("postgresql" if connection.vendor == "postgresql" else "sqlite")
    backup, restore = script.split("# Restore", 1)
    before = count_articles(deployment, tmp_path)
    assert before == 60
    run(backup, deployment, tmp_path)
    run("parley shell -c 'from parley.articles.models import Article; Article.objects.all().delete()'", deployment, tmp_path)
    assert count_articles(deployment, tmp_path) == 0
    if connection.vendor == "postgresql":
        need("pg_restore")
    run("#" + restore, deployment, tmp_path)
    assert count_articles(deployment, tmp_path) == before
    backups = list(Path(deployment["BACKUPS"]).iterdir())
    assert len(backups) == 1 and backups[0].stat().st_mode & 0o077 == 0  # a private copy
    assert "never overwrites" in subprocess.run(["bash", "-c", backup], env=deployment, cwd=tmp_path, capture_output=True,
                                                text=True, check=False).stderr


def test_upgrade_block_runs(deployment, tmp_path):
    """Ensure the upgrade block (migrate, collectstatic, deploy check) passes with production settings."""
    env = {**deployment, "PARLEY_HTTPS": "1", "DEBUG": "0", "ALLOWED_HOSTS": "news.example.com"}
    run(block("upgrade"), env, tmp_path)


def test_nginx_configuration_is_valid(tmp_path):
    """Ensure the guide's nginx server blocks pass `nginx -t` (with a throwaway certificate)."""
    nginx, openssl = need("nginx"), need("openssl")
    (tmp_path / "logs").mkdir()
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=news.example.com",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    (config,) = fenced("nginx")
    config = config.replace("/etc/ssl/parley/fullchain.pem", str(cert)).replace("/etc/ssl/parley/privkey.pem", str(key))
    config = config.replace("/var/lib/parley/static/", f"{tmp_path}/static/")
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
                    f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path}/body;\n{config}\n}}\n")
    done = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_systemd_units_start_parley_with_options_it_knows():
    """Ensure each unit's ExecStart names a parley command and only options that command accepts."""
    units = fenced("ini")
    assert len(units) == 2
    for unit in units:
        (start,) = re.findall(r"^ExecStart=(.+)$", unit, re.M)
        words = start.split()
        assert words[0] == "/opt/parley/bin/parley"
        verb, options = words[1], [w for w in words[2:] if w.startswith("--")]
        helptext = subprocess.run([str(BIN / "parley"), verb, "--help"], capture_output=True, text=True, check=True).stdout
        for option in options:
            assert option in helptext, f"parley {verb} has no {option}"
        assert re.search(r"^EnvironmentFile=/etc/parley/parley.env$", unit, re.M)
