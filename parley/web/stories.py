"""A story's page: one event's coverage from every outlet, why each report is there, what they share,
who said what, and the comments on all of its reports."""
from django.shortcuts import get_object_or_404, redirect, render

from parley.articles.caching import anonymous_page_cache
from parley.articles.paging import page_number
from parley.discussion.models import Comment
from parley.discussion.ranking import most_discussed_box
from parley.stories import queries
from parley.stories.models import Story

STORY_COMMENTS = 50


@anonymous_page_cache
def story(request, pk, slug):
    """/s/<id>/<slug>/: the event's headline, who reported it first, every report (a timeline, paged),
    the facts they share, the quotes, and the discussion across its articles."""
    item = get_object_or_404(Story.objects.select_related(*queries.FIRST), pk=pk)
    if slug != (item.slug or "story"):
        return redirect(item, permanent=True)
    pages = queries.member_pages(item)
    page = page_number(request, pages)
    comments = list(Comment.objects.filter(article_id__in=queries.member_ids(item), is_deleted=False, is_hidden=False)
                    .select_related("author", "article__outlet").order_by("-created_at")[:STORY_COMMENTS])
    return render(request, "stories/story.html", {
        "story": item,
        "members": queries.members(item, page),
        "members_page": page,
        "members_pages": pages,
        "copies": queries.copies(item),
        "shared": queries.shared_facts(item),
        "quotes": queries.quotes(item),
        "comments": comments,
        "most_discussed": most_discussed_box(),
    })


def story_by_id(request, pk):
    """Send /s/<id>/ to the story's address."""
    return redirect(get_object_or_404(Story.objects.only("pk", "slug"), pk=pk), permanent=True)
