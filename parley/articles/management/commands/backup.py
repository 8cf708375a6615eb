"""`parley backup PATH`: a consistent copy of the database while Parley runs.

SQLite: the online backup API copies every page under a read transaction, so writers may go on
and the copy is one moment's state (restore: stop Parley, put the file back as parley.sqlite3).
PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore --clean --if-exists --no-owner`).
"""
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Write a consistent copy of the database to PATH (SQLite: a database file; PostgreSQL: a pg_dump archive)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        target = Path(path).expanduser().resolve()
        if target.exists():
            raise CommandError(f"{target} exists; Parley never overwrites a backup")
        target.parent.mkdir(parents=True, exist_ok=True)
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            source = sqlite3.connect(f"file:{settings['NAME']}?mode=ro", uri=True)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            target.chmod(0o600)
        elif connection.vendor == "postgresql":
            pg_dump = shutil.which("pg_dump")
            if pg_dump is None:
                raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
            command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}",
                       f"--host={settings.get('HOST') or '127.0.0.1'}", f"--port={settings.get('PORT') or 5432}",
                       f"--username={settings.get('USER')}", settings["NAME"]]
            done = subprocess.run(command, env={"PGPASSWORD": settings.get("PASSWORD") or ""}, capture_output=True,
                                  text=True, check=False)
            if done.returncode:
                target.unlink(missing_ok=True)
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
            target.chmod(0o600)
        else:
            raise CommandError(f"no backup for {connection.vendor}")
        self.stdout.write(f"backed up {connection.vendor} database to {target}")
