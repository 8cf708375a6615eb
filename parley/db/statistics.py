"""The query planner's statistics. PostgreSQL keeps its own (autovacuum analyses tables as they
change). SQLite keeps none until ANALYZE runs, and without them it may read a table through an
index that narrows nothing: enrichment_fact's articles of one kind, a million articles' worth,
instead of one article's few facts."""
from django.db import connection

SAMPLE_ROWS = 1000  # rows looked at per index: enough for the planner, seconds on any archive


def refresh() -> bool:
    """Refresh SQLite's planner statistics from a sample of each index; return whether it ran."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SAMPLE_ROWS}")
        cursor.execute("ANALYZE")
    return True
