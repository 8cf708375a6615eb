"""PostgreSQL searches and ranks a small document first: the title (weight A) and the lead (B).

Ranking the whole article's tsvector read and unpacked every candidate's body (3.5 KB each, kept
out of line), and a common word's list in its GIN index holds a fifth of the archive: at 100,000
articles that was most of a search. `search_head` is a few hundred bytes kept in the row, with a
GIN index of its own (parley.articles.search). It is a plain column kept by a trigger, not a
generated one, so adding it to a large archive is an instant ALTER TABLE, a backfill in batches
that readers never wait for and an index built CONCURRENTLY (a generated column rewrites the
whole table under an exclusive lock: 2 minutes at 100,000 articles here). SQLite needs nothing:
FTS5 ranks inside its own index.
"""
from django.db import migrations, transaction

POSTGRES_UP = [
    "ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_head tsvector",
    "CREATE OR REPLACE FUNCTION article_search_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.search_head := setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(NEW.lead, '')), 'B'); RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS article_search_head ON articles_article",
    "CREATE TRIGGER article_search_head BEFORE INSERT OR UPDATE OF title, lead ON articles_article "
    "FOR EACH ROW EXECUTE FUNCTION article_search_head()",
]
INDEX = "CREATE INDEX CONCURRENTLY IF NOT EXISTS article_search_head_gin ON articles_article USING gin (search_head)"
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS article_search_head_gin",
    "DROP TRIGGER IF EXISTS article_search_head ON articles_article",
    "DROP FUNCTION IF EXISTS article_search_head()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_head",
]
BATCH = 5000  # ids per transaction: short row locks, and a failure keeps the batches before it


def add_head(apps, schema_editor):
    """Add the column and its trigger, fill it for the stored articles one id range at a time, then index it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for sql in POSTGRES_UP:
            cur.execute(sql)
        cur.execute("SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM articles_article")
        low, high = cur.fetchone()
    for start in range(low, high + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            # Setting the title to itself runs the trigger, the one place the head is computed.
            cur.execute("UPDATE articles_article SET title = title WHERE id >= %s AND id < %s AND search_head IS NULL",
                        [start, start + BATCH])
    with connection.cursor() as cur:
        cur.execute(INDEX)


def drop_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:
            for sql in POSTGRES_DOWN:
                cur.execute(sql)


class Migration(migrations.Migration):
    atomic = False  # the backfill commits batch by batch

    dependencies = [("articles", "0009_company_conversations")]

    operations = [migrations.RunPython(add_head, drop_head, elidable=False)]
