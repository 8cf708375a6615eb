"""The seed page, imported and rendered, checked in headless Chromium (Debian's, through Playwright)."""
from pathlib import Path

import pytest

from parley.sources.services import import_path

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_seed_page_reads_like_the_app(live_server, page, seed_page, reference):
    """Ensure the imported seed shows headline, outlet, dated year, 15 paragraphs and the disclaimer after them."""
    import json

    from parley.articles.models import Article

    expected = json.loads((seed_page.parent / "expected.json").read_text())["article"]
    import_path([str(seed_page)], reference_date=reference)
    article = Article.objects.get()
    page.goto(live_server.url + article.get_absolute_url())

    assert page.locator("article h1").inner_text() == expected["title"]
    assert page.locator("article .outlet").inner_text() == "Deep News"
    assert page.locator("article .published time").inner_text().startswith("Nov 25, 2025")
    assert page.locator("article .badge.inferred").is_visible()
    paragraphs = page.locator("article .body p")
    assert paragraphs.count() == expected["body_paragraphs"]
    assert paragraphs.first.inner_text().startswith(expected["body_first_words"])
    assert paragraphs.last.inner_text().endswith(expected["body_last_words"])
    disclaimer = page.locator("article .disclaimer")
    assert expected["disclaimer_starts"] in disclaimer.inner_text()
    # DOCUMENT_POSITION_FOLLOWING (4): the disclaimer comes after the last body paragraph.
    assert page.evaluate(
        "() => document.querySelector('article .body p:last-child')"
        ".compareDocumentPosition(document.querySelector('article .disclaimer')) & 4") == 4
    body_text = page.locator("article .body").inner_text()
    for phrase in expected["not_in_body"]:
        assert phrase not in body_text
    # The app's own Most Discussed box sits beside the article, not inside it.
    assert page.locator("aside.most-discussed").count() == 1
    assert page.locator("article .most-discussed").count() == 0
    assert page.dialogs == []


@pytest.mark.django_db(transaction=True)
def test_hostile_html_does_nothing_in_the_browser(live_server, page):
    """Ensure the hostile HTML fixture, imported and rendered, opens no dialog."""
    from parley.articles.models import Article

    import_path([str(Path(__file__).resolve().parent.parent / "parley/sources/tests/fixtures/hostile.html")])
    page.goto(live_server.url + Article.objects.get().get_absolute_url())
    page.wait_for_load_state("load")
    assert page.locator("article .body p").count() == 4
    assert page.dialogs == []
