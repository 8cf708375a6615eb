"""Discussion endpoints with bearer tokens and sessions, on the real database."""
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from parley.accounts.models import ApiToken
from parley.discussion.services import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article(title="Discussed")


@pytest.fixture
def token_for(db):
    def issue(name):
        user = User.objects.create_user(name)
        return user, {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}
    return issue


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_post_thread_reply_and_list(client, article, token_for):
    """Ensure a token can post a comment and a reply, and the thread lists both in order."""
    _, auth = token_for("ann")
    top = post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Top"}, **auth).json()
    reply = post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Re", "parent": top["id"]}, **auth).json()
    listed = client.get(f"/api/v1/articles/{article.pk}/comments?sort=oldest").json()
    assert listed["next"] is None
    assert [(c["id"], c["depth"], c["author"]) for c in listed["items"]] == [(top["id"], 0, "ann"), (reply["id"], 1, "ann")]


def test_anonymous_write_is_401(client, article):
    """Ensure posting without credentials is refused."""
    assert post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Hi"}).status_code == 401


def test_bad_token_is_401(client, article):
    """Ensure an unknown bearer token is refused."""
    response = post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Hi"}, HTTP_AUTHORIZATION="Bearer pt_nope")
    assert response.status_code == 401


def test_session_write_needs_csrf(article):
    """Ensure a session-authenticated write without the CSRF token is refused."""
    user = User.objects.create_user("sess")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert post(strict, f"/api/v1/articles/{article.pk}/comments", {"text": "Hi"}).status_code in (401, 403)


def test_service_errors_are_400(client, article, token_for):
    """Ensure an empty comment, a second vote and a self-vote are 400s that say why."""
    author, author_auth = token_for("author")
    _, voter_auth = token_for("voter")
    assert post(client, f"/api/v1/articles/{article.pk}/comments", {"text": " "}, **author_auth).json()["detail"] \
        == "A comment needs at least one visible character."
    comment = post_comment(author, article, "Hello")
    url = f"/api/v1/comments/{comment.pk}/vote"
    assert post(client, url, {"value": "up"}, **voter_auth).json()["upvotes"] == 1
    second = post(client, url, {"value": "up"}, **voter_auth)
    assert second.status_code == 200 and second.json()["upvotes"] == 1  # the same vote again changes nothing
    assert post(client, url, {"value": "none"}, **voter_auth).json()["upvotes"] == 0
    assert post(client, url, {"value": "sideways"}, **voter_auth).status_code == 400
    assert "own comment" in post(client, url, {"value": "up"}, **author_auth).json()["detail"]


def test_edit_delete_and_flag(client, article, token_for):
    """Ensure the author edits and deletes, and another reader flags once."""
    author, auth = token_for("writer")
    _, other = token_for("other")
    comment = post_comment(author, article, "Draft")
    patched = client.patch(f"/api/v1/comments/{comment.pk}", json.dumps({"text": "Final"}),
                           content_type="application/json", **auth).json()
    assert "Final" in patched["body_html"]
    assert post(client, f"/api/v1/comments/{comment.pk}/flag", {"reason": "spam"}, **other).status_code == 200
    assert post(client, f"/api/v1/comments/{comment.pk}/flag", {"reason": "spam"}, **other).status_code == 409
    deleted = client.delete(f"/api/v1/comments/{comment.pk}", **auth).json()
    assert deleted["removed"] == "deleted" and deleted["author"] is None


def test_most_discussed_and_active(client, article, token_for):
    """Ensure Most Discussed explains its entries and Active lists discussed articles."""
    user, _ = token_for("talker")
    post_comment(user, article, "One")
    top = client.get("/api/v1/most-discussed?window=7d").json()
    assert top[0]["article"]["id"] == article.pk and top[0]["explanation"] == "1 comment from 1 person in the last 7 days"
    assert client.get("/api/v1/most-discussed?window=1y").status_code == 400
    assert [a["id"] for a in client.get("/api/v1/active").json()["items"]] == [article.pk]


def test_missing_or_wrong_credentials_are_401_with_a_challenge(client, article):
    """Ensure a write without credentials, or with a bad token, is a 401 naming the scheme (not a CSRF 403)."""
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer pt_not-a-token"}):
        response = post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Hi"}, **headers)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_refusals_are_403_and_conflicts_409(client, article, token_for):
    """Ensure editing someone else's comment and voting on one's own are 403."""
    from parley.discussion.services import post_comment
    author, author_auth = token_for("author")
    _other, other_auth = token_for("other")
    comment = post_comment(author, article, "Mine")
    edit = client.patch(f"/api/v1/comments/{comment.pk}", {"text": "Theirs now"}, content_type="application/json", **other_auth)
    assert edit.status_code == 403
    assert post(client, f"/api/v1/comments/{comment.pk}/vote", {"value": "up"}, **author_auth).status_code == 403


def test_a_reply_names_its_parent_as_the_output_does(client, article, token_for):
    """Ensure a reply posted with parent_id comes back with the same parent_id (and the old name still works)."""
    from parley.discussion.services import post_comment
    author, auth = token_for("replier")
    top = post_comment(author, article, "Top")
    for name in ("parent_id", "parent"):
        reply = post(client, f"/api/v1/articles/{article.pk}/comments", {"text": "Reply", name: top.pk}, **auth).json()
        assert reply["parent_id"] == top.pk
