"""A story's page: one event's coverage from every outlet, why each report is there, what they share,
who said what, and the comments on all of its reports."""
from django.shortcuts import get_object_or_404, redirect, render

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article
from parley.articles.paging import page_number
from parley.discussion.ranking import most_discussed_box
from parley.stories import queries
from parley.stories.models import Story
from parley.web.threads import thread_context
from parley.web.viewer import viewer_of


@anonymous_page_cache
def story(request, pk, slug):
    """/s/<id>/<slug>/: the event's headline, who reported it first, every report (a timeline, paged),
    the facts they share, the quotes, and the discussion across its articles."""
    item = get_object_or_404(Story.objects.select_related(*queries.FIRST), pk=pk)
    if slug != (item.slug or "story"):
        return redirect(item, permanent=True)
    pages = queries.member_pages(item)
    page = page_number(request, pages)
    # The discussion is drawn as the first report's page draws it: one thread for the whole story,
    # new comments written on the first report.
    first = item.first_article or Article.objects.filter(membership__story=item).order_by("published_at").first()
    return render(request, "stories/story.html", {
        "story": item,
        "members": queries.members(item, page),
        "members_page": page,
        "members_pages": pages,
        "copies": queries.copies(item),
        "shared": queries.shared_facts(item),
        "quotes": queries.quotes(item),
        "most_discussed": most_discussed_box(),
        "article": first,
        **thread_context(request, first, viewer_of(request).moderates, queries.comments_in(item)),
    })


def story_by_id(request, pk):
    """Send /s/<id>/ to the story's address."""
    return redirect(get_object_or_404(Story.objects.only("pk", "slug"), pk=pk), permanent=True)
