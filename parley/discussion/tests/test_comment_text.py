"""What a comment's text becomes: bare URLs linked (long ones shown short), $TICKER linked to the
company's page when the site knows it, images as links never embedded, headings as bold lines,
lists kept; hostile text stays inert; too many cashtags refused with the text kept; previews post
nothing. Rendered through the real post path on the real database."""
import re

import lxml.html
import pytest

from parley.discussion.mentions import MAX_TICKERS
from parley.discussion.models import Comment
from parley.discussion.services import DiscussionError, post_comment
from parley.enrichment.models import Fact

pytestmark = pytest.mark.django_db


def test_bare_urls_become_links_and_long_ones_show_short(article, alice):
    html = post_comment(alice, article, "Filing: https://www.sec.gov/x and www.example.com").body_html
    assert '<a href="https://www.sec.gov/x" rel="nofollow ugc noopener">https://www.sec.gov/x</a>' in html
    assert 'href="http://www.example.com"' in html
    long_url = "https://example.com/" + "a" * 5000
    html = post_comment(alice, article, long_url).body_html
    shown = re.search(r">([^<]*)</a>", html).group(1)
    assert f'href="{long_url}"' in html and len(shown) <= 60 and shown.endswith("…")


def test_known_tickers_link_to_their_company_and_unknown_ones_stay_text(article, alice):
    Fact.objects.create(article=article, kind=Fact.TICKER, key="EVDN", text="Everden", start=0, end=7)
    html = post_comment(alice, article, "$BA and $EVDN up, $ZZZZ is made up, $5 is money, `$BA` is code").body_html
    assert '<a class="cashtag" href="/t/BA/">$BA</a>' in html and '<a class="cashtag" href="/t/EVDN/">$EVDN</a>' in html
    assert "$ZZZZ" in html and "/t/ZZZZ/" not in html and "/t/5/" not in html
    assert "<code>$BA</code>" in html


def test_images_are_links_never_embedded(article, alice):
    html = post_comment(alice, article, "![my chart](https://img.example/c.png) ![](javascript:alert(1))").body_html
    assert "<img" not in html
    assert '<a href="https://img.example/c.png" rel="nofollow ugc noopener">[image: my chart]</a>' in html
    assert 'href="javascript' not in html


def test_headings_read_as_bold_lines_and_lists_render(article, alice):
    html = post_comment(alice, article, "Intro line\n# Heading\nText\n\n- one\n- two\n\n1. first").body_html
    assert "<p>Intro line</p>" in html and "<p><strong>Heading</strong></p>" in html
    assert "<ul>" in html and "<li>one</li>" in html and "<ol>" in html
    assert "<h1" not in html


def test_hostile_text_stays_inert(article, alice):
    html = post_comment(alice, article, '<img src=x onerror=alert(1)> [a](javascript:alert(1)) '
                                        '<a href="https://x">raw</a> https://x.example/"onmouseover="alert(1)').body_html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not root.xpath("//img|//script")
    assert all(not name.startswith("on") for el in root.iter() for name in el.attrib)
    assert all(a.get("href", "").startswith(("https:", "http:")) for a in root.iter("a"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as the text it was


def test_too_many_cashtags_are_refused_with_the_text_kept(client, article, alice):
    text = " ".join(f"${chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(200))
    with pytest.raises(DiscussionError, match=f"at most {MAX_TICKERS} tickers"):
        post_comment(alice, article, text)
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": text})
    assert response.status_code == 400 and "this one names 200" in response.content.decode()
    assert text in response.content.decode() and not Comment.objects.exists()


def test_preview_shows_the_comment_and_posts_nothing(client, article, alice):
    client.force_login(alice)
    response = client.post(f"/a/{article.pk}/comments", {"text": "**Bold** call on $BA", "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Preview of your comment" in html
    assert "<strong>Bold</strong>" in html and 'href="/t/BA/"' in html
    assert "**Bold** call on $BA</textarea>" in html  # the text comes back to post or change
    assert not Comment.objects.exists()
    response = client.post(f"/a/{article.pk}/comments", {"text": "   ", "preview": "1"})
    assert response.status_code == 400 and "at least one visible character" in response.content.decode()


def test_previews_of_too_many_tickers_and_of_an_edit_answer_in_words(client, article, alice, bob):
    client.force_login(alice)
    text = " ".join(f"$Q{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(200))
    response = client.post(f"/a/{article.pk}/comments", {"text": text, "preview": "1"})
    assert response.status_code == 400 and "at most 30 tickers" in response.content.decode()
    mine = post_comment(alice, article, "First words")
    response = client.post(f"/c/{mine.pk}/edit", {"text": "Second *words*", "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>Preview of your edit</h1>" in html and "<em>words</em>" in html
    assert f'action="/c/{mine.pk}/edit"' in html and ">Save</button>" in html
    mine.refresh_from_db()
    assert mine.body_markdown == "First words"  # a preview changes nothing
    client.force_login(bob)  # nobody previews an edit of someone else's comment
    assert client.post(f"/c/{mine.pk}/edit", {"text": "x", "preview": "1"}).status_code == 404
