"""`parley backup PATH`: a file path is written as named; a folder (existing, or ending with /) gets
a new file named by the time, never one named after the folder."""
import re
import sqlite3
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from parley.articles.management.commands.backup import target_of

pytestmark = pytest.mark.django_db
NAMED = re.compile(r"parley-\d{4}-\d{2}-\d{2}-\d{6}\.(sqlite3|dump)")


def backup(path: str) -> str:
    """Run `parley backup PATH` in this process; return what it printed."""
    from io import StringIO

    out = StringIO()
    call_command("backup", path, stdout=out)
    return out.getvalue()


def assert_a_copy(path):
    """The file is a private copy of this database: SQLite's with its tables, or a pg_dump archive."""
    assert path.stat().st_mode & 0o077 == 0
    if connection.vendor == "sqlite":
        tables = {name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "articles_article" in tables
    else:
        assert path.read_bytes()[:5] == b"PGDMP"


def test_a_path_ending_with_a_slash_is_a_folder_made_to_hold_a_time_named_copy(tmp_path):
    """Ensure `parley backup DIR/` (DIR not there yet) makes DIR and writes parley-<time>.<ext> in it."""
    said = backup(f"{tmp_path}/nightly/")
    [written] = (tmp_path / "nightly").iterdir()
    assert NAMED.fullmatch(written.name) and str(written) in said
    assert not (tmp_path / "nightly.sqlite3").exists() and (tmp_path / "nightly").is_dir()
    assert_a_copy(written)


def test_an_existing_folder_without_a_slash_gets_a_time_named_copy_inside(tmp_path):
    """Ensure `parley backup DIR` of an existing folder writes inside it, not beside it or over it."""
    (tmp_path / "backups").mkdir()
    backup(str(tmp_path / "backups"))
    [written] = (tmp_path / "backups").iterdir()
    assert NAMED.fullmatch(written.name)
    assert_a_copy(written)


def test_a_file_path_is_written_as_named_and_never_overwritten(tmp_path):
    """Ensure `parley backup FILE` writes FILE, and a second run refuses rather than overwrite it."""
    backup(str(tmp_path / "copy.bak"))
    assert_a_copy(tmp_path / "copy.bak")
    with pytest.raises(CommandError, match="never overwrites a backup"):
        backup(str(tmp_path / "copy.bak"))


def test_a_file_named_as_a_folder_is_a_clear_error(tmp_path):
    """Ensure `parley backup FILE/` where FILE is a file says so instead of failing with a traceback."""
    (tmp_path / "plain").write_text("not a folder")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        backup(f"{tmp_path}/plain/")
    with pytest.raises(CommandError, match="cannot make the folder"):
        backup(f"{tmp_path}/plain/deeper/")


def test_time_named_copies_sort_by_time_and_name_the_database_kind(tmp_path):
    """Ensure the name is the UTC time, so copies sort in order, with the database kind's extension."""
    at = datetime(2026, 11, 28, 7, 0, 12, tzinfo=UTC)
    assert target_of(f"{tmp_path}/", "sqlite", at).name == "parley-2026-11-28-070012.sqlite3"
    assert target_of(f"{tmp_path}/", "postgresql", at).name == "parley-2026-11-28-070012.dump"
    assert target_of(str(tmp_path / "x.db"), "sqlite", at) == (tmp_path / "x.db").resolve()
