"""GET /api/v1/articles/{id}/comments in pages: a cursor and `limit`, the thread's depth-first order
kept across pages under each sort, and cursors the API did not issue refused in words."""
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from parley.discussion.services import delete_comment, post_comment, vote
from parley.discussion.threads import thread

pytestmark = pytest.mark.django_db
START = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def tree(make_article):
    """A thread of seven comments: A (replies A1, with A1a, and A2), B (reply B1), C; votes make C best."""
    article = make_article(title="Discussed at length")
    people = [User.objects.create_user(name) for name in ("ann", "bob", "cy")]
    made = {}

    def say(name, who, parent=None):
        made[name] = post_comment(people[who], article, f"Comment {name}", made.get(parent),
                                  at=START + timedelta(minutes=len(made)), enforce_limits=False)

    for name, who, parent in [("A", 0, None), ("B", 1, None), ("C", 2, None), ("A1", 1, "A"), ("A2", 2, "A"),
                              ("A1a", 0, "A1"), ("B1", 0, "B")]:
        say(name, who, parent)
    vote(people[0], made["C"], 1)
    vote(people[1], made["C"], 1)
    return article, made


def walk(client, article, sort, limit):
    """Every page of the thread in turn: [(id, depth)] and the number of pages."""
    rows, cursor, pages = [], None, 0
    while True:
        query = {"sort": sort, "limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = client.get(f"/api/v1/articles/{article.pk}/comments", query)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert len(body["items"]) <= limit
        rows += [(item["id"], item["depth"]) for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return rows, pages


def test_pages_walk_the_thread_in_its_depth_first_order(client, tree):
    """Ensure each page holds at most `limit` comments and the pages together are the whole thread,
    in the same depth-first order, under every sort."""
    article, made = tree
    ids = {c.pk: name for name, c in made.items()}
    for sort in ("best", "newest", "oldest"):
        whole = [(row.comment.pk, row.depth) for row in thread(article, sort)]
        for limit in (1, 2, 3, 7, 100):
            rows, pages = walk(client, article, sort, limit)
            assert rows == whole, (sort, limit)
            assert pages == -(-7 // limit)
    oldest, _ = walk(client, article, "oldest", 2)
    assert [ids[pk] for pk, _ in oldest] == ["A", "A1", "A1a", "A2", "B", "B1", "C"]
    best, _ = walk(client, article, "best", 2)
    assert [ids[pk] for pk, _ in best][0] == "C"


def test_a_reply_opening_a_page_keeps_its_depth_and_parent(client, tree):
    """Ensure a reply cut from its parent by a page's end opens the next page with its depth and parent."""
    article, made = tree
    first = client.get(f"/api/v1/articles/{article.pk}/comments", {"sort": "oldest", "limit": 1}).json()
    second = client.get(f"/api/v1/articles/{article.pk}/comments",
                        {"sort": "oldest", "limit": 1, "cursor": first["next"]}).json()
    assert second["items"][0]["id"] == made["A1"].pk
    assert second["items"][0]["depth"] == 1 and second["items"][0]["parent_id"] == made["A"].pk


def test_a_comment_removed_after_its_page_still_marks_the_place(client, tree):
    """Ensure the page after one that ended on a comment since deleted (and so left out of the
    thread) starts right after where it stood."""
    article, made = tree
    first = client.get(f"/api/v1/articles/{article.pk}/comments", {"sort": "oldest", "limit": 4}).json()
    assert first["items"][-1]["id"] == made["A2"].pk
    delete_comment(made["A2"].author, made["A2"])
    after = client.get(f"/api/v1/articles/{article.pk}/comments",
                       {"sort": "oldest", "limit": 4, "cursor": first["next"]}).json()
    assert [item["id"] for item in after["items"]] == [made["B"].pk, made["B1"].pk, made["C"].pk]
    assert after["next"] is None


def test_limit_defaults_to_twenty_and_is_bounded(client, tree):
    """Ensure the default page is 20 comments and a limit outside 1-100 is a 400 saying so."""
    article, _ = tree
    assert len(client.get(f"/api/v1/articles/{article.pk}/comments").json()["items"]) == 7
    for limit in (0, 101, -1):
        answer = client.get(f"/api/v1/articles/{article.pk}/comments", {"limit": limit})
        assert answer.status_code == 400 and answer.json()["detail"] == "limit must be between 1 and 100"
    answer = client.get(f"/api/v1/articles/{article.pk}/comments", {"sort": "loudest"})
    assert answer.status_code == 400 and answer.json()["detail"] == "sort must be one of best, newest, oldest"


def test_a_forged_cursor_is_a_400_in_words(client, tree, make_article):
    """Ensure a made-up, altered, other article's, other sort's or over-long cursor is a 400 that says
    what is wrong, never a 500 or a wrong page."""
    article, _ = tree
    url = f"/api/v1/articles/{article.pk}/comments"
    issued = client.get(url, {"sort": "oldest", "limit": 2}).json()["next"]
    listing = client.get("/api/v1/articles", {"limit": 1}).json()  # an articles cursor is not a thread's
    make_article(title="Another")
    articles_cursor = client.get("/api/v1/articles", {"limit": 1}).json()["next"]
    assert listing is not None and articles_cursor
    for forged in ("garbage", issued[:-2] + ("AA" if not issued.endswith("AA") else "BB"), articles_cursor,
                   "x" * 10_000, "WzEsIm9sZGVzdCIsMV0:forged", "[1, 2]"):
        answer = client.get(url, {"sort": "oldest", "cursor": forged})
        assert answer.status_code == 400 and "cursor is not one this API issued" in answer.json()["detail"], forged
    other = make_article(title="Elsewhere")
    answer = client.get(f"/api/v1/articles/{other.pk}/comments", {"sort": "oldest", "cursor": issued})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(f"cursor continues the comments of article {article.pk} sorted by oldest")
    answer = client.get(url, {"sort": "newest", "cursor": issued})
    assert answer.status_code == 400 and "sorted by oldest" in answer.json()["detail"]


def test_a_cursor_whose_comment_left_the_discussion_says_so(client, tree, make_article):
    """Ensure a cursor ending on a comment no longer in this article's discussion asks to start again."""
    from parley.discussion.models import Comment

    article, made = tree
    issued = client.get(f"/api/v1/articles/{article.pk}/comments", {"sort": "oldest", "limit": 1}).json()["next"]
    elsewhere = make_article(title="Split off")
    Comment.objects.filter(pk=made["A"].pk).update(article=elsewhere)  # as a moderator's split moves a thread
    answer = client.get(f"/api/v1/articles/{article.pk}/comments", {"sort": "oldest", "cursor": issued})
    assert answer.status_code == 400 and "start again without a cursor" in answer.json()["detail"]
