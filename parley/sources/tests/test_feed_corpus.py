"""Every feed of feedparser's test corpus is imported or refused without a crash, and nothing active survives."""
import re

import pytest
from django.utils import timezone

from parley.articles.models import Article
from parley.articles.services import ArticleRejected, clean_draft
from parley.sources.readers import Unreadable
from parley.sources.readers.feeds import read_feed
from parley.sources.services import import_path

ACTIVE = re.compile(r"<script|<iframe|<object|<embed|<style|\son[a-z]+\s*=|javascript:", re.I)


@pytest.fixture(scope="module")
def corpus(shared):
    """Return feedparser's test files (a missing ../shared skips, and fails in CI)."""
    return sorted(p for p in (shared / "corpus" / "feedparser").rglob("*") if p.is_file() and p.name != "LICENSE")


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


@pytest.mark.parametrize("summary", [
    "Shares rose after the report.&lt;img src=&quot;https://t.example/pixel.gif&quot; width=&quot;1&quot;/&gt;",
    "Shares rose after the report. &lt;a href=&quot;/more&quot;&gt;Read more&lt;/a&gt;",
    "Shares rose after the report.&lt;br/&gt; &lt;ul class=&quot;links&quot;&gt;&lt;/ul&gt;",
])
def test_words_before_an_inline_element_are_kept(summary):
    """Ensure a summary made of words and then an element (a tracking pixel, a link, a list) keeps its words."""
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>'
            f'<item><title>Report</title><link>https://wire.example/a</link><description>{summary}</description>'
            f'<pubDate>Fri, 20 Feb 2015 09:51:15 GMT</pubDate></item></channel></rss>').encode()
    (draft,) = read_feed(feed, timezone.now())
    assert "Shares rose after the report." in clean_draft(draft)["body_text"]


def test_real_feeds_keep_every_entrys_text(shared):
    """Ensure every entry of the real feeds that carries a title or text becomes an article with its text."""
    feeds = sorted(p for p in (shared / "corpus" / "feeds").iterdir() if not p.name.startswith("LICENSE"))
    assert len(feeds) > 20
    lost = []
    for path in feeds:
        try:
            items = read_feed(path.read_bytes(), timezone.now())
        except Unreadable:
            continue  # a document that is not a feed is refused whole, with its reason
        for item in items:
            if isinstance(item, Unreadable):
                if "no title and no text" not in str(item):
                    lost.append((path.name, str(item)))
                continue
            try:
                clean_draft(item)
            except ArticleRejected as exc:
                lost.append((path.name, str(exc)))
    assert lost == []
