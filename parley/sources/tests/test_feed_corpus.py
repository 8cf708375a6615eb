"""Every feed of feedparser's test corpus is imported or refused without a crash, and nothing active survives."""
import re
from pathlib import Path

import pytest
from django.utils import timezone

from parley.articles.models import Article
from parley.articles.services import ArticleRejected, clean_draft
from parley.sources.readers import Unreadable
from parley.sources.readers.feeds import read_feed
from parley.sources.services import import_path

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "feedparser"
ACTIVE = re.compile(r"<script|<iframe|<object|<embed|<style|\son[a-z]+\s*=|javascript:", re.I)


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.exists():
        pytest.skip(f"feedparser's corpus is not at {CORPUS} (../shared is only beside CI and developer clones)")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


@pytest.mark.django_db
def test_every_corpus_file_imports_or_is_refused_cleanly(corpus):
    """Ensure no file of the corpus makes the importer fail internally."""
    reports = import_path([str(p) for p in corpus], fmt="feed")
    crashes = [(r.path, reason) for r in reports for reason in r.reasons if reason.startswith("internal error")]
    assert crashes == []
    # Many corpus entries share a link ("http://example.com/"), so most arrive as updates.
    assert sum(r.counts["imported"] + r.counts["updated"] + r.counts["unchanged"] for r in reports) > 400


@pytest.mark.django_db
def test_sanitize_corpus_leaves_nothing_active(corpus, client):
    """Ensure no script, iframe, object, embed, style, on-handler or javascript: URL reaches stored or rendered HTML."""
    attacks = [p for p in corpus if "sanitize" in p.parts]
    assert len(attacks) > 700
    # What store_article() would store, entry by entry (dedupe would otherwise keep only the last).
    checked = 0
    for path in attacks:
        try:
            drafts = [d for d in read_feed(path.read_bytes(), timezone.now()) if not isinstance(d, Unreadable)]
        except Unreadable:
            continue
        for draft in drafts:
            try:
                fields = clean_draft(draft)
            except ArticleRejected:
                continue
            checked += 1
            assert not ACTIVE.search(fields["body_html"]), (path.name, fields["body_html"])
    assert checked > 200, checked
    import_path([str(p) for p in attacks], fmt="feed")
    articles = list(Article.objects.all())
    assert articles
    for article in articles:
        html = client.get(article.get_absolute_url(), follow=True).content.decode()
        body = html[html.index('<div class="body">'):html.index('</article>')]
        header = html[html.index('<article class="article">'):html.index('<div class="body">')]
        assert not ACTIVE.search(body), (article.pk, ACTIVE.search(body).group())
        assert not re.search(r"<script|<iframe|\son[a-z]+\s*=", header, re.I), article.pk
