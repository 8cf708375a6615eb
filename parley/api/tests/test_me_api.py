"""GET /api/v1/me and the JSON 404 of every other path under /api/, on the real database."""
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from parley.accounts.models import ApiToken
from parley.discussion.services import delete_comment, post_comment
from parley.following.follows import follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return User.objects.create_user("xena", date_joined=datetime(2025, 3, 4, 5, 6, tzinfo=UTC))


def test_me_names_the_caller_with_counts_and_follows(client, reader, make_article):
    """Ensure /me answers the token's reader: name, date joined, visible comments, what they follow
    by kind, unread notifications, tokens, and no moderator or suspension."""
    article = make_article(title="Rates")
    post_comment(reader, article, "Kept")
    delete_comment(reader, post_comment(reader, article, "Gone"))
    follow(reader, "ticker", "BA")
    follow(reader, "outlet", article.outlet.slug)
    key = ApiToken.issue(reader, "one")[1]
    ApiToken.issue(reader, "two")
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200
    assert me.json() == {
        "username": "xena", "date_joined": "2025-03-04T05:06:00Z", "comments": 1, "follows": 2,
        "following": {"outlet": [article.outlet.slug], "ticker": ["BA"]}, "unread_notifications": 0,
        "api_tokens": 2, "moderator": False, "suspended": False}


def test_me_answers_a_signed_in_session_too(client, reader):
    """Ensure the site's session works for /me as it does for the other reads."""
    client.force_login(reader)
    assert client.get("/api/v1/me").json()["username"] == "xena"


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer pt_not-a-key"}, {"HTTP_AUTHORIZATION": "Basic eDp5"}])
def test_me_is_a_json_401_without_credentials(headers):
    """Ensure /me without (or with wrong) credentials is a JSON 401 saying how to sign in."""
    answer = Client().get("/api/v1/me", **headers)
    assert answer.status_code == 401 and answer["Content-Type"].startswith("application/json")
    assert answer["WWW-Authenticate"] == 'Bearer realm="parley"' and "Bearer" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/me/nothing", "/api/v2/articles", "/api/", "/api",
                                  "/api/v1/articles/99/x/y", "/api/v1/nope/", "/api/v1/" + "x" * 3000])
def test_unknown_api_paths_are_a_json_404(client, path):
    """Ensure any path under /api/ that names no endpoint answers JSON saying so, not the HTML page."""
    answer = client.get(path, follow=True)
    assert answer.status_code == 404 and answer["Content-Type"].startswith("application/json")
    assert "No API endpoint at" in answer.json()["detail"] and "/api/v1/docs" in answer.json()["detail"]
    assert "did you mean" not in answer.json()["detail"]


def test_a_trailing_slash_404_names_the_endpoint_meant(client):
    """Ensure /api/v1/articles/ (an extra slash) says which path was meant."""
    answer = client.get("/api/v1/articles/")
    assert answer.status_code == 404 and answer.json()["detail"].endswith("did you mean /api/v1/articles?")


def test_a_missing_thing_under_a_real_endpoint_and_pages_outside_the_api_keep_their_404s(client):
    """Ensure an endpoint's own 404 stays JSON and a missing page outside /api/ stays the HTML page."""
    assert client.get("/api/v1/articles/987654").json() == {"detail": "Not Found"}
    page = client.get("/apis/nothing")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
