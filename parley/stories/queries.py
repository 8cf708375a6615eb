"""Reading stories for pages, feeds and the API."""
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from parley.articles.models import Article
from parley.articles.queries import Cursor
from parley.discussion.threads import Discussion, alone
from parley.enrichment.models import Fact
from parley.stories.models import Membership, Story

MEMBERS_PAGE = 50  # a story of 2,000 articles pages, fifty reports at a time
SHARED_KINDS = ("ticker", "person", "organization", "place")  # money figures: figures(), by amount
MAX_SHARED = 30
FIRST = ("first_article__outlet", "first_article__membership__story")  # a story's first report, as the API shows it
LISTING = "membership__story"  # prefetch this on article listings: two queries a page, not one per row


def story_of(article) -> int | None:
    """The id of the story an article shares with other articles, or None while it stands alone (or is
    not placed yet). Load articles with prefetch_related(LISTING) (or select_related) to ask no query each."""
    story = shared_story(article)
    return story.pk if story else None


def shared_story(article):
    """The story an article shares with other articles, or None (as story_of, the Story itself)."""
    membership = getattr(article, "membership", None)  # None: no row (the reverse accessor raises)
    return membership.story if membership is not None and membership.story.article_count > 1 else None


def discussion_of(article) -> Discussion:
    """One discussion per story: an article in a story of several shares its comments with the
    story's other articles (parley.discussion.threads asks this, through share_discussions)."""
    membership = Membership.objects.filter(article_id=article.pk, story__article_count__gt=1).select_related(
        "story").first()
    if membership is None:
        return alone(article)
    story = membership.story
    rows = list(Article.objects.filter(membership__story=story).order_by("pk").values_list("pk", "discussion_version"))
    ids = tuple(pk for pk, _ in rows)
    return Discussion(ids, f"s{story.pk}:{story.version}:{sum(v for _, v in rows)}",
                      story.first_article_id if story.first_article_id in ids else ids[0])


def discussions_of(ids) -> dict[int, Discussion]:
    """discussion_of() for many article ids at once (two queries), without versions: what rankings need."""
    story_of = dict(Membership.objects.filter(article_id__in=ids, story__article_count__gt=1)
                    .values_list("article_id", "story_id"))
    members: dict[int, list[int]] = {}
    first: dict[int, int] = {}
    for article_id, story_id, first_id in Membership.objects.filter(story_id__in=set(story_of.values())).values_list(
            "article_id", "story_id", "story__first_article_id"):
        members.setdefault(story_id, []).append(article_id)
        first[story_id] = first_id
    found = {}
    for pk in ids:
        story = story_of.get(pk)
        if story is None:
            found[pk] = Discussion((pk,), "", pk)
            continue
        articles = tuple(sorted(members[story]))
        found[pk] = Discussion(articles, "", first[story] if first[story] in articles else articles[0])
    return found


def comments_in(story: Story) -> int:
    return Article.objects.filter(membership__story=story).aggregate(n=Sum("comment_count"))["n"] or 0


def shared_story_id(article_id: int) -> int | None:
    """The id of the story of several articles this article is in, or None (one query)."""
    return (Membership.objects.filter(article_id=article_id, story__article_count__gt=1)
            .values_list("story_id", flat=True).first())


def listed(prefix: str = "") -> Q:
    """The condition of an article that listings show: one not in a story, or its story's newest
    report. `prefix` reaches the article from another model ("article__" from a fact)."""
    return Q(**{f"{prefix}membership__isnull": True}) | Q(**{f"{prefix}membership__listed": True})


def once_per_story(articles):
    """Articles as listings show them: a story once (its newest report), with unplaced articles kept."""
    return articles.filter(listed())


def with_stories(articles) -> None:
    """Give each article its `story` (shared with other articles, or None) for "+N outlets", in one query."""
    shared = {m.article_id: m.story for m in Membership.objects.filter(
        article_id__in=[a.pk for a in articles], story__article_count__gt=1).select_related("story")}
    for article in articles:
        article.story = shared.get(article.pk)


def with_activity():
    """Stories of more than one article, the one with the latest report first (keyset paged by
    last_article_at, id)."""
    return (Story.objects.filter(article_count__gt=1).select_related(*FIRST)
            .order_by("-last_article_at", "-id"))


def stories_page(cursor: Cursor | None, limit: int) -> tuple[list[Story], Cursor | None]:
    """One keyset page of with_activity() after a cursor, and the cursor of the next page (or None)."""
    found = with_activity()
    if cursor is not None:
        found = found.filter(Q(last_article_at__lt=cursor.at) | Q(last_article_at=cursor.at, id__lt=cursor.id))
    rows = list(found[:limit + 1])
    following = Cursor(rows[limit - 1].last_article_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], following


def member_ids(story: Story):
    """The ids of a story's articles, as a subquery."""
    return Membership.objects.filter(story=story).values("article_id")


def _members(story: Story, with_copies: bool):
    found = Membership.objects.filter(story=story)
    return found if with_copies else found.filter(syndicated=False)


def members(story: Story, page: int = 1, with_copies: bool = False) -> list[Membership]:
    """One page of a story's reports, earliest first (the timeline), each with its outlet and evidence.
    Syndicated copies are left out unless asked for: the page lists them on one line (copies())."""
    start = (page - 1) * MEMBERS_PAGE
    return list(_members(story, with_copies).select_related("article__outlet")
                .order_by("article__published_at", "article_id")[start:start + MEMBERS_PAGE])


def member_pages(story: Story, with_copies: bool = False) -> int:
    return max(1, -(-_members(story, with_copies).count() // MEMBERS_PAGE))


def copies(story: Story, limit: int = 20) -> tuple[int, list[Membership]]:
    """How many syndicated copies a story has, and the first of them (for one "syndicated" line)."""
    found = Membership.objects.filter(story=story, syndicated=True)
    return found.count(), list(found.select_related("article__outlet").order_by("article__published_at",
                                                                                 "article_id")[:limit])


@dataclass
class Shared:
    kind: str
    key: str
    text: str
    reports: int  # how many of the story's articles name it


def shared_facts(story: Story) -> list[Shared]:
    """What two or more of a story's articles name: companies, people, organisations and places, the
    most often named first."""
    ids = member_ids(story)
    rows = (Fact.objects.filter(article_id__in=ids, kind__in=SHARED_KINDS).values("kind", "key")
            .annotate(reports=Count("article_id", distinct=True)).filter(reports__gte=2)
            .order_by("-reports", "kind", "key")[:MAX_SHARED])
    return [Shared(row["kind"], row["key"], row["key"] if row["kind"] != "ticker" else f"${row['key']}",
                   row["reports"]) for row in rows]


@dataclass
class Figure:
    text: str  # as the first report wrote it
    outlets: list[str]  # the outlets whose reports give it


def figures(story: Story, least: float = 1_000_000, limit: int = 12) -> list[Figure]:
    """The money figures of a million or more the story's reports give, the most often given first,
    each with the outlets giving it: where reports agree, and where one gives a figure others do not."""
    found: dict[float, Figure] = {}
    seen_in: dict[float, set] = {}
    rows = (Fact.objects.filter(article_id__in=member_ids(story), kind="money")
            .select_related("article__outlet").order_by("article__published_at", "start"))
    for fact in rows.iterator(chunk_size=2000):
        amount = (fact.value or {}).get("amount")
        if not isinstance(amount, int | float) or amount < least:
            continue
        outlet = fact.article.outlet.name if fact.article.outlet else "an unnamed source"
        figure = found.setdefault(amount, Figure(" ".join(fact.text.split()), []))
        if fact.article_id not in seen_in.setdefault(amount, set()):
            seen_in[amount].add(fact.article_id)
            figure.outlets.append(outlet)
    return sorted(found.values(), key=lambda f: -len(f.outlets))[:limit]


@dataclass
class Said:
    speaker: str
    text: str
    outlets: list[str]  # the outlets whose reports quote it, earliest first


def quotes(story: Story, limit: int = 20, read: int = 500) -> list[Said]:
    """Who said what, across the story's articles: each quote once, with its speaker and the
    outlets whose reports carry it."""
    facts = (Fact.objects.filter(article_id__in=member_ids(story), kind="quote")
             .select_related("article__outlet").order_by("article__published_at", "start")[:read])
    found: dict[str, Said] = {}
    for fact in facts:
        said = found.setdefault(" ".join(fact.text.casefold().split()), Said(
            (fact.value or {}).get("speaker") or fact.key, fact.text, []))
        outlet = fact.article.outlet.name if fact.article.outlet else "an unnamed source"
        if outlet not in said.outlets:
            said.outlets.append(outlet)
    return list(found.values())[:limit]
