"""Story endpoints: events several outlets reported, and why each article is in its story."""
from django.shortcuts import get_object_or_404, redirect
from ninja import Router
from ninja.errors import HttpError

from parley.api.articles import check_limit, cursor_of
from parley.api.schemas import ErrorOut, StoryDetailOut, StoryPage
from parley.stories import queries
from parley.stories.models import Story

router = Router(tags=["stories"])


@router.get("/stories", response={200: StoryPage, 400: ErrorOut})
def list_stories(request, cursor: str | None = None, limit: int = 20):
    """List stories of two or more articles, the one with the latest report first (cursor paging)."""
    check_limit(limit)
    rows, following = queries.stories_page(cursor_of(cursor), limit)
    return {"items": rows, "next": following.encode() if following else None}


@router.get("/stories/{story_id}", response={200: StoryDetailOut, 302: None, 400: ErrorOut, 404: ErrorOut})
def get_story(request, story_id: int, page: int = 1):
    """Return one story: its articles earliest first with the evidence that put each there (fifty a
    page), and the facts two or more of them share. A story a moderator merged into another answers
    with a redirect (302) to that one; a story of one article is served too, though not listed."""
    story = get_object_or_404(Story.objects.select_related(*queries.FIRST), pk=story_id)
    if story.merged_into_id:  # merged (reversibly) by a moderator, or emptied by an undone split
        return redirect(f"/api/v1/stories/{story.merged_into_id}")
    pages = queries.member_pages(story, with_copies=True)
    if not 1 <= page <= pages:
        raise HttpError(400, f"page must be between 1 and {pages}")
    members = queries.members(story, page, with_copies=True)
    for member in members:
        member.story = story  # each article's 'story' field, without a query each
        member.article.membership = member
    story.articles, story.page, story.pages, story.shared = members, page, pages, queries.shared_facts(story)
    return story
