"""SQLite's planner statistics, refreshed once a day by the worker (parley.db.statistics)."""
import pytest
from django.db import connection

from parley.db import statistics
from parley.jobs.registry import BY_NAME

pytestmark = pytest.mark.django_db


def test_sqlite_gets_planner_statistics_and_postgresql_keeps_its_own(make_article):
    make_article(body="Home Depot (NYSE: HD) reported results.")
    assert BY_NAME["planner-statistics"].every == 24 * 3600
    ran = statistics.refresh()
    assert ran == (connection.vendor == "sqlite")
    if ran:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'articles_article'")
            assert cursor.fetchone()[0] >= 1
