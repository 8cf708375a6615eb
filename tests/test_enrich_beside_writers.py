"""`parley enrich --all` beside other processes that write (the served site's worker, an import)."""
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parley.articles.models import Article
from parley.articles.services import ArticleDraft, store_articles
from parley.enrichment.models import Enrichment
from tests.processes import run_together

ARTICLES, FILES, LINES = 600, 60, 10


@pytest.mark.django_db(transaction=True)
def test_enrich_all_while_a_worker_and_an_import_write(tmp_path):
    """Ensure `parley enrich --all` finishes (no "database is locked") while a worker enriches and
    delivers and `parley import` stores 600 articles in 60 files at the same time, and all do their work."""
    articles, files = ARTICLES, FILES
    if connection.vendor == "postgresql":
        # The sizes are for SQLite's single writer lock, where "database is locked" came from; PostgreSQL's
        # row locks see the same three writers overlap with a third of them (CI's slowest test was this
        # one on PostgreSQL, 119-204 s, for no more overlap).
        articles, files = ARTICLES // 3, FILES // 3
    now = timezone.now()
    store_articles([ArticleDraft(title=f"Boeing note {n}", outlet="Wire", published_at=now - timedelta(minutes=n),
                                 paragraphs=[f"Boeing (NYSE: BA) said deliveries rose by {n} planes in October."])
                    for n in range(articles)])
    folder = tmp_path / "incoming"
    folder.mkdir()
    for f in range(files):
        (folder / f"batch-{f:02d}.jsonl").write_text("\n".join(json.dumps({
            "title": f"Airbus note {f}-{n}", "outlet": "Wire", "published": "2025-11-20T10:00:00Z",
            "body": f"Airbus said it delivered {f * LINES + n} jets."}) for n in range(LINES)))
    run_together(tmp_path, [["enrich", "--all"], ["import", str(folder), "-v0"], ["worker", "--once", "--processes", "1"]],
                 deadline=240)
    assert Enrichment.objects.filter(error="").count() >= articles
    assert Article.objects.count() == articles + files * LINES
