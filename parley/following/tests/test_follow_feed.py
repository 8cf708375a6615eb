"""Following, the watchlist and its CSV, my feed (page, keyset paging, private RSS/Atom), the /me API, privacy."""
import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.accounts.models import ApiToken
from parley.articles.models import Article
from parley.articles.queries import Cursor
from parley.enrichment.models import Subject
from parley.following import follows
from parley.following.feed import my_feed
from parley.following.models import Follow, Preferences

pytestmark = pytest.mark.django_db


def test_follow_checks_what_it_is_given(reader, about):
    """Ensure tickers are normalised and checked, unknown things are refused with the reason, and
    following twice keeps one row."""
    alice = reader("alice")
    about("BA")
    follow, created = follows.follow(alice, "ticker", "$ba")
    assert (follow.key, created) == ("BA", True)
    assert follows.follow(alice, "ticker", "BA")[1] is False
    assert Follow.objects.filter(user=alice).count() == 1
    assert follows.follow(alice, "ticker", "MSFT")[0].key == "MSFT"  # a listed company with no article yet
    for kind, key, says in [("ticker", "<script>", "not a ticker"), ("ticker", "ZZZZQ", "no company"),
                            ("person", "Nobody Atall", "No article mentions"), ("outlet", "no-such", "no outlet"),
                            ("article", "999999", "does not exist"), ("article", "1; DROP", "does not exist"),
                            ("wallet", "x", "You can follow")]:
        with pytest.raises(follows.FollowError, match=says):
            follows.follow(alice, kind, key)


def test_follow_limit_is_a_clear_refusal(reader, about, monkeypatch):
    alice = reader("alice")
    monkeypatch.setattr(follows, "MAX_FOLLOWS", 2)
    follows.follow(alice, "ticker", "BA")
    follows.follow(alice, "ticker", "MSFT")
    with pytest.raises(follows.FollowError, match="follow 2 things already"):
        follows.follow(alice, "ticker", "AAPL")


def _brute_feed(user):
    """Every article the reader's follows reach, newest first: the feed's definition, by hand."""
    things = list(Follow.objects.filter(user=user).exclude(kind="article").values_list("kind", "key"))
    ids = set()
    for kind, key in things:
        if kind == "outlet":
            ids |= set(Article.objects.filter(outlet__slug=key).values_list("id", flat=True))
        else:
            ids |= set(Subject.objects.filter(kind=kind, key=key).values_list("article_id", flat=True))
    return [a.id for a in Article.objects.filter(id__in=ids).order_by("-published_at", "-id")]


@pytest.mark.parametrize("probe_from", [1000, 1], ids=["one-step", "probe-then-bound"])
def test_feed_pages_both_ways_match_the_brute_force_answer(reader, make_article, monkeypatch, probe_from):
    """Ensure keyset pages of the feed, walked older and then back newer, give exactly the articles
    about what the reader follows, newest first, none twice, with ties in time broken by id; read
    in one step, and in the two steps used for readers who follow many things."""
    from parley.following import feed

    monkeypatch.setattr(feed, "PROBE_FROM", probe_from)
    rng = random.Random(7)
    alice, bob = reader("alice"), reader("bob")
    base = timezone.now() - timedelta(days=3)
    things = [("ticker", "BA"), ("ticker", "MSFT"), ("person", "jane-porter"), ("topic", "copper")]
    for n in range(60):
        # Several articles share a time, so ties must be ordered by id.
        article = make_article(title=f"Story {n}", outlet=rng.choice(["Wire A", "Wire B"]),
                               published_at=base + timedelta(minutes=rng.randrange(0, 40)))
        for kind, key in rng.sample(things, rng.randrange(0, 3)):
            Subject.objects.create(article=article, kind=kind, key=key, published_at=article.published_at)
    for kind, key in [("ticker", "BA"), ("person", "jane-porter"), ("outlet", "wire-b")]:
        Follow.objects.create(user=alice, kind=kind, key=key)
    Follow.objects.create(user=bob, kind="topic", key="copper")
    expected = _brute_feed(alice)
    assert len(expected) > 20
    seen, pages, cursor = [], [], None
    while True:
        page = my_feed(alice, after=cursor, size=7)
        pages.append([item.id for item in page.rows])
        seen += pages[-1]
        if page.older is None:
            break
        cursor = page.older
    assert seen == expected
    # Back from the last page with the `newer` cursors: the same pages in reverse.
    page = my_feed(alice, after=Cursor(*_cursor_of(pages[-2][-1])), size=7)
    back = [[item.id for item in page.rows]]
    while page.newer is not None:
        page = my_feed(alice, before=page.newer, size=7)
        back.append([item.id for item in page.rows])
    assert back[::-1] == pages
    assert {r[0] for item in my_feed(bob, size=100).rows for r in item.reasons} == {"topic"}


def _cursor_of(article_id):
    article = Article.objects.get(pk=article_id)
    return article.published_at, article.id


def test_feed_page_says_why_each_article_is_there(client, reader, about):
    alice = reader("alice")
    boeing = about("BA", "Boeing", minutes_ago=5)
    about("MSFT", "Microsoft", minutes_ago=1)
    about("AAPL", "Apple", minutes_ago=3)
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    Follow.objects.create(user=alice, kind="ticker", key="MSFT")
    client.force_login(alice)
    page = client.get("/feed/").content.decode()
    assert page.index("Microsoft shares") < page.index("Boeing shares")
    assert "Apple shares" not in page
    assert 'You follow <span class="chip">$BA</span>' in page
    assert boeing.get_absolute_url() in page


def test_feed_of_a_reader_following_nothing_says_how_to_start(client, reader):
    client.force_login(reader("alice"))
    assert "Follow tickers, people, topics or outlets" in client.get("/feed/").content.decode()
    assert client.get("/feed/?after=garbage").status_code == 200


def test_private_feed_link_is_secret_revocable_and_needs_no_session(client, reader, about):
    """Ensure the private feed answers only at the current link: replaced, turned off or tampered
    with, it is a 404 that leaks nothing."""
    alice = reader("alice")
    about("BA")
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    client.force_login(alice)
    client.post("/feed/link")
    path = _private_path(client)
    client.logout()
    atom = client.get(path)
    assert atom.status_code == 200 and "Boeing shares" in atom.content.decode()
    assert "You follow $BA" in client.get(path.replace("/atom", "/rss")).content.decode()
    assert client.get(path[:-6] + "x/atom").status_code == 404  # tampered signature
    other = reader("mallory")
    forged = path.replace(f"/{alice.pk}.", f"/{other.pk}.")
    assert client.get(forged).status_code == 404
    client.force_login(alice)
    client.post("/feed/link")  # replace
    assert client.get(path).status_code == 404
    new_path = _private_path(client)
    assert client.get(new_path).status_code == 200
    client.post("/feed/link", {"action": "off"})
    assert client.get(new_path).status_code == 404
    assert Preferences.objects.get(user=alice).private_feed is False


def _private_path(client):
    link = re.search(r'value="(http://testserver[^"]+/atom)"', client.get("/feed/").content.decode()).group(1)
    return link.removeprefix("http://testserver")


def test_watchlist_counts_what_is_new_since_it_was_marked_seen(client, reader, about):
    """Looking at the watchlist (a GET) changes nothing; its button marks everything seen."""
    alice = reader("alice")
    client.force_login(alice)
    client.post("/follow", {"kind": "ticker", "key": "BA"})
    first = client.get("/watchlist/").content.decode()
    assert "$BA" in first and "start when you mark them seen" in first
    assert not Preferences.objects.filter(user=alice, watchlist_seen_at__isnull=False).exists()
    assert client.get("/watchlist/seen").status_code == 405
    assert client.post("/watchlist/seen")["Location"] == "/watchlist/"
    Preferences.objects.filter(user=alice).update(watchlist_seen_at=timezone.now() - timedelta(minutes=1))
    about("BA", title="Boeing deliveries rise")
    about("BA", title="Boeing wins an order")
    assert '<span class="badge new">2 new</span>' in client.get("/watchlist/").content.decode()
    assert '<span class="badge new">2 new</span>' in client.get("/watchlist/").content.decode()  # still: a GET
    client.post("/watchlist/seen")
    assert '2 new' not in client.get("/watchlist/").content.decode()


def test_following_an_article_that_is_then_deleted(client, reader, about):
    """Ensure a follow of a deleted article stays visible as removed, can be dropped, and breaks nothing."""
    alice = reader("alice")
    article = about("BA")
    pk = article.pk
    client.force_login(alice)
    client.post("/follow", {"kind": "article", "key": str(pk), "next": article.get_absolute_url()})
    client.post("/follow", {"kind": "ticker", "key": "BA"})
    article.delete()
    page = client.get("/watchlist/").content.decode()
    assert "A removed article" in page
    assert client.get("/feed/").status_code == 200
    client.post("/unfollow", {"kind": "article", "key": str(pk)})
    assert not Follow.objects.filter(user=alice, kind="article").exists()


def test_follow_button_needs_post_and_a_session(client, reader, about):
    about("BA")
    assert client.get("/follow").status_code == 405
    anonymous = client.post("/follow", {"kind": "ticker", "key": "BA", "next": "/t/BA/"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Follow.objects.exists()
    alice = reader("alice")
    client.force_login(alice)
    assert "Follow $BA" in client.get("/t/BA/").content.decode()
    done = client.post("/follow", {"kind": "ticker", "key": "BA", "next": "/t/BA/"})
    assert done["Location"] == "/t/BA/"
    assert "Following $BA" in client.get("/t/BA/").content.decode()
    bad = client.post("/follow", {"kind": "ticker", "key": "NOT A TICKER", "next": "https://evil.example/"}, follow=True)
    assert "is not a ticker symbol" in bad.content.decode()
    assert bad.redirect_chain[0][0] == "/"  # no open redirect


CSV_WITH_JUNK = (
    b"Symbol,Name,Shares\r\n"
    b"BA,Boeing,10\r\n"
    b"$msft,Microsoft,3\r\n"
    b"Apple,Apple Inc,1\r\n"
    b",,\r\n"
    b"ba,duplicate,1\r\n"
    b"<script>alert(1)</script>,x,1\r\n"
    b"ZZZZQ,unknown,1\r\n"
    b"\"unterminated,quote\r\n"
)


def test_csv_import_follows_good_rows_and_reports_junk(client, reader):
    alice = reader("alice")
    client.force_login(alice)
    response = client.post("/watchlist/import", {"file": _upload("w.csv", CSV_WITH_JUNK)}, follow=True)
    page = response.content.decode()
    assert set(Follow.objects.filter(user=alice).values_list("key", flat=True)) == {"BA", "MSFT", "AAPL"}
    assert "Followed 3 new tickers" in page and "1 more row named a ticker again" in page and "already" not in page
    assert "Row 7 skipped" in page and "Row 8 skipped" in page and "no company, ETF, fund or index with the symbol ZZZZQ" in page
    assert "<script>alert(1)" not in page
    exported = client.get("/watchlist/watchlist.csv")
    assert exported["Content-Type"].startswith("text/csv")
    assert exported.content.decode().splitlines()[0] == "ticker,name,kind,last_close,close_day,currency,price_source"
    # The export imports back into another account unchanged.
    bob = reader("bob")
    client.force_login(bob)
    client.post("/watchlist/import", {"file": _upload("e.csv", exported.content)})
    assert set(Follow.objects.filter(user=bob).values_list("key", flat=True)) == {"BA", "MSFT", "AAPL"}


@pytest.mark.parametrize("data, says", [
    (b"\xff\xfe\x00B\x00A" * 10, "not UTF-8"),
    (b"BA\n" * 60_000, "can be at most 100,000"),
])
def test_csv_import_refuses_what_is_no_csv(client, reader, data, says):
    client.force_login(reader("alice"))
    page = client.post("/watchlist/import", {"file": _upload("w.csv", data)}, follow=True).content.decode()
    assert says in page and not Follow.objects.exists()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_nobody_sees_what_another_reader_follows(client, reader, about):
    """Ensure follows show on no public page and the API answers each reader about themselves only."""
    alice, bob = reader("alice"), reader("bob")
    about("BA")
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    Follow.objects.create(user=alice, kind="ticker", key="MSFT")
    assert "MSFT" not in client.get("/u/alice/").content.decode()
    client.force_login(bob)
    assert "MSFT" not in client.get("/u/alice/").content.decode()
    assert "$MSFT" not in client.get("/watchlist/").content.decode()  # (its add box offers MSFT to anyone)
    assert "Follow $BA" in client.get("/t/BA/").content.decode()  # no follower count, no names
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(bob)[1]}"}
    client.logout()
    assert client.get("/api/v1/me/follows", **auth).json() == []
    assert client.get("/api/v1/me/follows").status_code == 401
    assert client.delete("/api/v1/me/follows/ticker/MSFT", **auth).status_code == 404
    assert Follow.objects.filter(user=alice).count() == 2


def test_me_api_follows_feed_and_notifications(client, reader, about):
    alice = reader("alice")
    about("BA")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(alice)[1]}"}
    made = client.post("/api/v1/me/follows", {"kind": "ticker", "key": "$ba"}, content_type="application/json", **auth)
    assert made.status_code == 201 and made.json()["key"] == "BA" and made.json()["link"] == "/t/BA/"
    again = client.post("/api/v1/me/follows", {"kind": "ticker", "key": "BA"}, content_type="application/json", **auth)
    assert again.status_code == 200
    bad = client.post("/api/v1/me/follows", {"kind": "ticker", "key": "!!"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and "not a ticker" in bad.json()["detail"]
    feed = client.get("/api/v1/me/feed?limit=5", **auth).json()
    assert feed["items"][0]["because"] == ["$BA"] and feed["next"] is None
    assert client.get("/api/v1/me/feed?cursor=nonsense", **auth).status_code == 400
    inbox = client.get("/api/v1/me/notifications", **auth).json()
    assert inbox == {"unread": 0, "items": []}
    assert client.post("/api/v1/me/notifications/read", {}, content_type="application/json", **auth).json() == {"marked": 0}
    assert client.delete("/api/v1/me/follows/ticker/BA", **auth).status_code == 204
    assert client.get("/api/v1/me/follows", **auth).json() == []


def test_csv_import_past_the_follow_limit_says_how_many_rows_were_left(client, reader, monkeypatch):
    monkeypatch.setattr(follows, "MAX_FOLLOWS", 2)
    client.force_login(reader("alice"))
    data = b"ticker\nBA\nMSFT\nAAPL\nGOOGL\nNVDA\n"
    page = client.post("/watchlist/import", {"file": _upload("w.csv", data)}, follow=True).content.decode()
    assert "Row 4 skipped" in page and "the 2 after it were not imported" in page
    assert Follow.objects.count() == 2


def test_a_topic_address_that_slugifies_to_nothing_is_a_404(client):
    for path in ("/topic/---/", "/topic/!/", "/topic/%20/", "/topic/%E2%80%8B/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_a_followed_story_brings_its_reports_to_the_feed(make_article, client):
    from django.contrib.auth.models import User

    from parley.enrichment.services import enrich_article
    from parley.following.feed import my_feed
    from parley.following.follows import follow
    from parley.stories.models import Membership
    from parley.stories.services import place_pending
    from parley.stories.tests.test_placing import OTHER_EVENT, RESULTS, RESULTS_AGAIN

    first = make_article(title="Home Depot cuts its sales forecast as third-quarter sales miss", body=RESULTS)
    second = make_article(title="Home Depot shares fall after retailer trims its forecast", body=RESULTS_AGAIN,
                          outlet="Other Wire", published_at=first.published_at + timedelta(hours=3))
    other = make_article(title="Home Depot to buy back HD Supply in $8 billion deal", body=OTHER_EVENT,
                         published_at=first.published_at + timedelta(hours=48))
    for stored in (first, second, other):
        enrich_article(stored)
    place_pending()
    story = Membership.objects.get(article=first).story
    reader = User.objects.create_user("fan")
    follow(reader, "story", str(story.pk))
    page = my_feed(reader)
    assert [row.article.pk for row in page.rows] == [second.pk, first.pk]  # not the other event
    assert page.rows[0].reasons == [("story", str(story.pk), story.title)]


def test_symbols_as_brokers_write_them_follow_one_company(client, reader):
    """A portfolio export's BRK-B (Yahoo), BRK/B and brk.b are all Berkshire's BRK.B, followed once."""
    alice = reader("alice")
    client.force_login(alice)
    page = client.post("/watchlist/import", {"file": _upload("p.csv", b"Symbol,Qty\nBRK-B,3\nBRK/B,1\nbrk.b,2\n")},
                       follow=True).content.decode()
    assert list(Follow.objects.filter(user=alice).values_list("key", flat=True)) == ["BRK.B"]
    assert "Followed 1 new ticker (BRK.B); 2 more rows named a ticker again." in page and "already" not in page
