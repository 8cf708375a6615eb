"""Templates never ask the database (issue 21): every query a page makes comes from its view, and
the viewer's state (signed in, moderator, unread badge, follows) is asked once per request."""
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parley.accounts.models import Profile
from parley.discussion.services import MODERATORS, post_comment
from parley.enrichment.services import enrich_article
from parley.following.events import process_events

BODY = ("Boeing (NYSE: BA) said on Tuesday that deliveries rose, chief executive Kelly Ortberg said.\n\n"
        '"We are building more aircraft every month," Ortberg said in Seattle.')


def _from_templates(client, url):
    """(status, all queries, queries made while a template was rendering) of one GET."""
    found = []

    def wrapper(execute, sql, params, many, context):
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_filename.endswith((".html", ".txt", ".xml")):
                found.append(f"{frame.f_code.co_filename}:{frame.f_lineno}: {sql}")
                break
            frame = frame.f_back
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(wrapper):
        status = client.get(url).status_code
    return status, captured.captured_queries, found


@pytest.fixture
def site(make_article, client):
    moderator = User.objects.create_user("mod", password="x", date_joined=timezone.now() - timedelta(days=30))
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    alice = User.objects.create_user("alice", password="x", date_joined=timezone.now() - timedelta(days=30))
    for user in (moderator, alice):
        Profile.objects.update_or_create(user=user, defaults={"verified_email": ""})
    article = make_article(title="Boeing deliveries rise", body=BODY, published_at=timezone.now())
    enrich_article(article)
    first = post_comment(alice, article, "Deliveries matter more than orders.")
    post_comment(moderator, article, "@alice agreed.", parent=first)
    process_events()
    client.force_login(alice)
    client.post("/follow", {"kind": "ticker", "key": "BA"})
    return {"article": article, "alice": alice, "moderator": moderator}


PAGES = ["/", "{article}", "/t/BA/", "/p/kelly-ortberg/", "/search?q=boeing", "/feed/", "/watchlist/", "/inbox/",
         "/accounts/settings/", "/u/alice/", "/most-discussed", "/active", "/o/test-wire/"]


@pytest.mark.parametrize("who", ["anonymous", "alice", "mod"])
def test_no_page_queries_from_its_template(site, client, who):
    client.logout()
    if who != "anonymous":
        client.force_login(User.objects.get(username=who))
    seen = 0
    for page in PAGES:
        url = page.format(article=site["article"].get_absolute_url())
        status, _, found = _from_templates(client, url)
        if status == 200:
            seen += 1
        assert found == [], f"{url} as {who}"
    assert seen >= (8 if who == "anonymous" else len(PAGES))


def test_the_moderator_check_runs_once_on_an_article_page(site, client):
    client.force_login(site["moderator"])
    status, queries, _ = _from_templates(client, site["article"].get_absolute_url())
    assert status == 200
    asked = [q["sql"] for q in queries if "auth_user_groups" in q["sql"]]
    assert len(asked) == 1, asked
    page = client.get(site["article"].get_absolute_url()).content.decode()
    assert "/moderation/queue" in page or "Queue</a>" in page  # the header knows, from the same answer
