"""Real articles keep their structure from import through enrichment to the page (../shared/corpus)."""
import lxml.html
import pytest

from parley.articles.cleaning import BLOCK_TAGS, block_pieces, html_to_paragraphs, pieces_text
from parley.articles.models import Article
from parley.enrichment.services import enrich_articles
from parley.sources.services import import_path

FEEDS_WITH_MARKUP = ["content-encoded.rss", "guardian.rss", "heise.atom", "instant-article.rss", "narro.rss"]


def blocks(fragment: str) -> list[tuple[str, str]]:
    """(tag, text) of every block element of an HTML fragment, in order."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [(el.tag, pieces_text(list(block_pieces(el)))) for el in root.iter() if el.tag in BLOCK_TAGS]


def shown_body(page: str) -> str:
    """The inside of the article page's body element."""
    body = lxml.html.document_fromstring(page).find_class("body")
    assert body, "the article page has no body"
    return (body[0].text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body[0])


@pytest.fixture(scope="module")
def aeb_pages(shared):
    """The article-extraction benchmark's 101 real article pages, as saved (gzipped)."""
    return sorted(str(p) for p in (shared / "corpus" / "aeb" / "html").glob("*.html.gz"))


@pytest.mark.django_db
def test_every_benchmark_article_page_is_imported_from_its_gzip_file(aeb_pages):
    """Ensure all 101 real article pages are read from .html.gz and stored as articles: none refused."""
    reports = import_path(aeb_pages)
    refused = [(r.path, r.reasons) for r in reports if r.counts["refused"] or r.failed]
    assert refused == []
    assert len(aeb_pages) == 101 and Article.objects.count() == 101


@pytest.mark.django_db
def test_enriched_pages_show_every_stored_block_unchanged(aeb_pages, shared, client):
    """Ensure real articles (a third of the benchmark's pages and the real feeds with markup), once
    enriched, show every stored block (paragraph, heading, list item, quote, row) on the page with
    its text unchanged, with the facts' highlights inside them."""
    feeds = [str(shared / "corpus" / "feeds" / name) for name in FEEDS_WITH_MARKUP]
    import_path(aeb_pages[::3] + feeds)
    articles = [a for a in Article.objects.order_by("id") if not a.is_link_item]
    assert len(articles) > 60
    enrich_articles(articles)
    marked, kinds = 0, set()
    for article in articles:
        body = shown_body(client.get(article.get_absolute_url()).content.decode())
        assert blocks(body) == blocks(article.body_html), article.title
        assert html_to_paragraphs(body) == article.paragraphs(), article.title
        marked += 'class="fact"' in body
        kinds.update(tag for tag, _ in blocks(article.body_html))
    assert marked > len(articles) // 2  # the highlights are there, inside the blocks
    assert {"p", "li", "h2"} <= kinds  # lists and headings, not only paragraphs
