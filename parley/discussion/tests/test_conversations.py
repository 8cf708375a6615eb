"""Conversations per ticker: a company's page has its readers' own conversation (started by its
first comment, threaded, moderated and ranked in Most Discussed like any discussion, never listed
as news) and the latest comments anywhere that name it as $TICKER. Django's test client on the real
database."""
import pytest

from parley.articles.models import Article
from parley.discussion.conversations import conversation_of
from parley.discussion.models import Comment, TickerMention
from parley.discussion.ranking import most_discussed
from parley.discussion.services import delete_comment, edit_comment, hide_comment, post_comment

pytestmark = pytest.mark.django_db


def test_the_first_comment_starts_the_company_conversation(client, alice, article):
    html = client.get("/t/BA/").content.decode()
    assert "Readers' conversation on $BA" in html and "Sign in</a> or" in html
    client.force_login(alice)
    html = client.get("/t/BA/").content.decode()
    assert 'action="/t/BA/talk"' in html and conversation_of("BA") is None  # looking starts nothing
    response = client.post("/t/BA/talk", {"text": "Deliveries look **better** this quarter"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/t/BA/#c{comment.pk}"
    html = client.get("/t/BA/").content.decode()
    assert "Deliveries look <strong>better</strong>" in html and "1 comment from 1 person" in html
    host = conversation_of("BA")
    assert host.title == "Readers on Boeing ($BA)" and comment.article_id == host.pk
    # a reply in it goes to the same conversation, and lands on the company page
    response = client.post(f"/a/{host.pk}/comments", {"text": "Agreed", "parent": comment.pk})
    assert response["Location"].startswith("/t/BA/#c")


def test_a_conversation_is_never_listed_as_news(client, alice, article):
    client.force_login(alice)
    client.post("/t/BA/talk", {"text": "Talking about Boeing"})
    host = conversation_of("BA")
    assert not Article.objects.filter(pk=host.pk).exists() and Article.with_conversations.filter(pk=host.pk).exists()
    for path in ["/", "/search?q=Boeing", "/active", "/feed.atom"]:
        page = client.get(path).content.decode()
        listing = page[page.index("<main"):page.index("</main>")] if "<main" in page else page
        assert "Readers on Boeing" not in listing, path  # (the Most Discussed box beside may rank it)
    assert client.get(f"/a/{host.pk}/").status_code == 404  # it has no article page


def test_it_ranks_in_most_discussed_as_the_company_discussion(alice, bob, article):
    from parley.discussion.conversations import start_conversation
    host = start_conversation("BA", "Boeing")
    post_comment(alice, host, "One")
    post_comment(bob, host, "Two")
    entries = most_discussed("24h")
    assert [e.article.title for e in entries] == ["Readers on Boeing ($BA)"]
    assert entries[0].article.get_absolute_url() == "/t/BA/"


def test_it_is_moderated_like_any_discussion(client, alice, moderator, article):
    from parley.discussion.conversations import start_conversation
    comment = post_comment(alice, start_conversation("BA", "Boeing"), "Rude words")
    hide_comment(moderator, comment, "Abuse")
    assert "Rude words" not in client.get("/t/BA/").content.decode()
    client.force_login(moderator)
    assert client.get(f"/c/{comment.pk}")["Location"].startswith("/t/BA/#c")


def test_the_page_lists_the_latest_comments_naming_the_ticker_elsewhere(client, alice, bob, article, make_article):
    other = make_article(title="Airbus wins an order")
    named = post_comment(alice, article, "$BA is where the risk is")
    post_comment(bob, other, "Nothing to do with $BA? Both matter")
    post_comment(bob, other, "No ticker here")
    gone = post_comment(alice, other, "Deleted take on $BA")
    delete_comment(alice, gone)
    html = client.get("/t/BA/").content.decode()
    stream = html[html.index("Readers on $BA across the site"):]
    assert "where the risk is" in stream and "Both matter" in stream and "No ticker here" not in stream
    assert "Deleted take" not in stream and article.title in stream and other.title in stream
    assert stream.index("Both matter") < stream.index("where the risk is")  # newest first
    # an edit that drops the symbol takes the comment out of the stream
    edit_comment(alice, named, "Changed my mind")
    assert not TickerMention.objects.filter(comment=named).exists()
    assert "Changed my mind" not in client.get("/t/BA/").content.decode()


def test_unknown_symbols_and_bad_posts_start_nothing(client, alice):
    client.force_login(alice)
    assert client.post("/t/ZZZZ/talk", {"text": "Hello"}).status_code == 404
    assert client.post("/t/ba/talk", {"text": "Hello"}).status_code == 404
    response = client.post("/t/BA/talk", {"text": "   "})
    assert response.status_code == 400 and "visible character" in response.content.decode()
    assert not Comment.objects.exists()
    client.logout()
    assert client.post("/t/BA/talk", {"text": "Hello"}).status_code == 302  # to sign in
    assert not Comment.objects.exists()
