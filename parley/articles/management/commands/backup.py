"""`parley backup PATH`: a consistent copy of the database while Parley runs.

PATH is the file to write, or a folder (one that exists, or any path ending with "/"), in which the
copy is a new file named by the time: parley-2026-11-28-070012.sqlite3 (.dump for PostgreSQL), so a
cron line of `parley backup /var/backups/parley/` keeps every night's copy.

SQLite: the online backup API copies every page under a read transaction, so writers may go on
and the copy is one moment's state (restore: stop Parley, put the file back as parley.sqlite3).
PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore --clean --if-exists --no-owner`).
"""
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}


def target_of(path: str, vendor: str, now=None) -> Path:
    """The file a backup writes: PATH itself, or, when PATH names a folder (existing, or written
    with a trailing slash), a file in it named by the time (UTC)."""
    target = Path(path).expanduser()
    if path.endswith(("/", os.sep)) or target.is_dir():
        stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y-%m-%d-%H%M%S")
        return (target / f"parley-{stamp}{SUFFIX.get(vendor, '.backup')}").resolve()
    return target.resolve()


class Command(BaseCommand):
    help = ("Write a consistent copy of the database to PATH (SQLite: a database file; PostgreSQL: a pg_dump "
            "archive); a folder (existing, or ending with /) gets a new file named by the time.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write, or a folder to write a time-named file in")

    def handle(self, path, **options):
        target = target_of(path, connection.vendor)
        if target.exists():
            raise CommandError(f"{target} exists; Parley never overwrites a backup")
        if target.parent.exists() and not target.parent.is_dir():
            raise CommandError(f"{target.parent} is a file, not a folder: name a file to write or a folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot make the folder {target.parent}: {error.strerror or error}") from error
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
