"""Full-text search index: FTS5 on SQLite, a generated tsvector with a GIN index on PostgreSQL."""
from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body_text, content='articles_article', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON articles_article BEGIN "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON articles_article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, body_text ON articles_article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text); "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS article_fts_update", "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_insert", "DROP TABLE IF EXISTS article_fts",
]
POSTGRES_UP = [
    "ALTER TABLE articles_article ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'B')) STORED",
    "CREATE INDEX article_search_gin ON articles_article USING gin (search_tsv)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS article_search_gin", "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_tsv"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
