"""Keep SQLite's FTS5 index attached to the articles table after every migrate.

SQLite applies many schema changes by copying a table to a new one, which drops the triggers
that keep `article_fts` in step. After each migrate this puts back whatever is missing and, if
anything was, rebuilds the index from the table. PostgreSQL's generated column needs none of this.
"""
from django.db import connections

TRIGGERS = {
    "article_fts_insert": "CREATE TRIGGER article_fts_insert AFTER INSERT ON articles_article BEGIN "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
    "article_fts_delete": "CREATE TRIGGER article_fts_delete AFTER DELETE ON articles_article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text); END",
    "article_fts_update": "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, body_text ON articles_article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text); "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
}


def ensure_search_index(sender, using="default", **kwargs):
    """Recreate missing FTS5 triggers on SQLite and resynchronise the index when any were missing."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cur.fetchall()}
        if "article_fts" not in present or "articles_article" not in present:
            return  # migration 0002 has not run yet
        missing = [sql for name, sql in TRIGGERS.items() if name not in present]
        for sql in missing:
            cur.execute(sql)
        if missing:
            cur.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
