"""The JSON API under /api/v1/, on the real database."""
from datetime import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(datetime(2025, 11, day, 12, 0))


@pytest.fixture
def three(make_article):
    return [
        make_article(title="Copper slips", outlet="Metals Desk", published_at=at(1), body="Copper fell."),
        make_article(title="Oil rallies", outlet="Energy Wire", published_at=at(2), body="Crude rose."),
        make_article(title="Copper rebounds", outlet="Metals Desk", published_at=at(3), body="Copper rose."),
    ]


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_list_newest_first(client, three):
    """Ensure the list is newest first with outlet and link."""
    body = client.get("/api/v1/articles").json()
    assert [i["title"] for i in body["items"]] == ["Copper rebounds", "Oil rallies", "Copper slips"]
    assert body["items"][0]["outlet"]["slug"] == "metals-desk"
    assert body["items"][0]["link"] == three[2].get_absolute_url()


def test_filters(client, three):
    """Ensure outlet, since, until and q filter the list."""
    assert titles(client.get("/api/v1/articles", {"outlet": "metals-desk"})) == ["Copper rebounds", "Copper slips"]
    assert titles(client.get("/api/v1/articles", {"since": "2025-11-02T00:00:00Z"})) == ["Copper rebounds", "Oil rallies"]
    assert titles(client.get("/api/v1/articles", {"until": "2025-11-02T00:00:00Z"})) == ["Copper slips"]
    assert titles(client.get("/api/v1/articles", {"q": "copper", "until": "2025-11-03T00:00:00Z"})) == ["Copper slips"]


def test_cursor_pagination(client, three):
    """Ensure following `next` walks every article once and ends with null."""
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/articles", params).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(a.pk for a in three) and len(seen) == 3


@pytest.mark.parametrize("params, detail", [
    ({"cursor": "not-a-cursor"}, "cursor is not one this API issued"),
    ({"limit": 0}, "limit must be between 1 and 100"),
    ({"limit": 1000}, "limit must be between 1 and 100"),
    ({"since": "yesterday-ish"}, "since must be an ISO 8601 date"),
    ({"since": "0001-01-01T00:00:00+01:00"}, "since must be an ISO 8601 date"),
    ({"until": "9999-12-31T23:59:59-01:00"}, "until must be an ISO 8601 date"),
    ({"until": "2025-02-30"}, "until must be an ISO 8601 date"),
])
def test_bad_parameters_are_400(client, three, params, detail):
    """Ensure bad parameters get a 400 that says what is wrong."""
    response = client.get("/api/v1/articles", params)
    assert response.status_code == 400 and response.json()["detail"].startswith(detail)


def test_dates_without_an_offset_are_utc(client, three):
    """Ensure a date-time without an offset is read as UTC and a date alone as its midnight UTC."""
    assert titles(client.get("/api/v1/articles", {"since": "2025-11-02T00:00:00"})) == ["Copper rebounds", "Oil rallies"]
    assert titles(client.get("/api/v1/articles", {"since": "2025-11-02"})) == ["Copper rebounds", "Oil rallies"]
    assert titles(client.get("/api/v1/articles", {"until": "2025-11-02"})) == ["Copper slips"]


def test_one_article_with_body_and_disclaimer(client, make_article):
    """Ensure one article comes with its sanitised body and the disclaimer shown with it."""
    article = make_article(title="T", html="<p>Body<script>x</script></p>", disclaimer="Not advice.")
    body = client.get(f"/api/v1/articles/{article.pk}").json()
    assert body["body_html"] == "<p>Body</p>" and body["disclaimer"] == "Not advice."


def test_missing_article_is_404(client):
    """Ensure an unknown article id answers 404."""
    assert client.get("/api/v1/articles/424242").status_code == 404


def test_outlets(client, three):
    """Ensure outlets are listed by name."""
    assert [o["name"] for o in client.get("/api/v1/outlets").json()] == ["Energy Wire", "Metals Desk"]


def test_openapi_schema_and_docs(client):
    """Ensure the OpenAPI schema describes the endpoints and the docs page is served."""
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/outlets"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200
