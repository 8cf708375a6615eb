"""Input no database can store (a NUL character) is refused at the edge with a 400, on every database."""
import json

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/search?q=%00", "/search?q=a&outlet=%00", "/u/%00/", "/t/%00/",
                                  "/api/v1/articles?ticker=%00", "/api/v1/articles?q=x%00y", "/?after=%00"])
def test_nul_in_a_path_or_query_is_a_400_not_a_500(client, path):
    """Ensure a NUL in the address or the query string gets a 400 saying why (PostgreSQL answered 500)."""
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_nul_in_a_cookie_is_a_400(client):
    """Ensure a NUL in a cookie (the session key goes to the database) gets a 400."""
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


@pytest.mark.django_db
def test_nul_in_a_form_or_json_body_is_refused_and_nothing_is_saved(client, make_article, django_user_model):
    """Ensure a comment whose text holds a NUL, posted as a form or as JSON, gets a 400 and stores nothing."""
    from parley.discussion.models import Comment

    article = make_article()
    django_user_model.objects.create_user("writer", password="pw-123456789", email="w@example.com")
    client.login(username="writer", password="pw-123456789")
    form = client.post(f"/a/{article.pk}/comments", {"text": "Hello\x00there"})
    assert form.status_code == 400
    assert not Comment.objects.exists()
    assert client.post(f"/a/{article.pk}/comments", {"text": "Hello there"}).status_code == 302  # the same form, clean
    Comment.objects.all().delete()
    api = client.post(f"/api/v1/articles/{article.pk}/comments", json.dumps({"text": "Hello\\u0000there"}),
                      content_type="application/json")
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_ordinary_input_passes(client, make_article):
    """Ensure text without NUL characters (accents, emoji, a backslash-u that is not one) passes through."""
    make_article(title="Café prices")
    assert client.get("/search?q=caf%C3%A9+%F0%9F%93%88").status_code == 200
    assert client.get("/search?q=%5Cu0000").status_code == 200  # the six characters, not a NUL


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["until=9999-12-31", "since=9999-12-31", "since=0001-01-01&until=0001-01-01"])
def test_dates_at_the_calendars_ends_are_answered(client, query):
    """Ensure search filters at the calendar's first and last day answer 200 (until=9999-12-31 was a 500)."""
    assert client.get(f"/search?q=oil&{query}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["until=9999-12-31", "until=9999-12-31T23:59:59", "since=0001-01-01"])
def test_api_dates_at_the_calendars_ends_are_answered(client, query):
    """Ensure the API's date filters at the calendar's ends answer without a server error."""
    assert client.get(f"/api/v1/articles?{query}").status_code in (200, 400)
