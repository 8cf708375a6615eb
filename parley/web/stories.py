"""A story's page: one event's coverage from every outlet, why each report is there, what they share,
who said what, and the comments on all of its reports."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article
from parley.articles.paging import id_param, page_number
from parley.discussion.ranking import most_discussed_box
from parley.discussion.services import DiscussionError
from parley.stories import moderation, queries
from parley.stories.models import Story, StoryChange
from parley.web.threads import thread_context
from parley.web.viewer import follow_button, viewer_of

CHANGES = 10  # the latest moderators' changes a story's page lists, with their undo buttons


@anonymous_page_cache
def story(request, pk, slug):
    """/s/<id>/<slug>/: the event's headline, who reported it first, every report (a timeline, paged),
    the facts they share, the quotes, and the discussion across its articles."""
    item = get_object_or_404(Story.objects.select_related(*queries.FIRST), pk=pk)
    if item.merged_into_id:  # merged by a moderator (reversibly): its address leads to the story it joined
        return redirect("story-by-id", item.merged_into_id)
    if slug != (item.slug or "story"):
        return redirect(item, permanent=True)
    pages = queries.member_pages(item)
    page = page_number(request, pages)
    # The discussion is drawn as the first report's page draws it: one thread for the whole story,
    # new comments written on the first report.
    first = item.first_article or Article.objects.filter(membership__story=item).order_by("published_at").first()
    if first is None:  # its articles were deleted
        raise Http404("This story has no reports left.")
    return render(request, "stories/story.html", {
        "story": item,
        "members": queries.members(item, page),
        "members_page": page,
        "members_pages": pages,
        "follow": follow_button(request, "story", str(item.pk), "this story"),
        "copies": queries.copies(item),
        "shared": queries.shared_facts(item),
        "figures": queries.figures(item),
        "quotes": queries.quotes(item),
        "most_discussed": most_discussed_box(),
        "article": first,
        "changes": list(StoryChange.objects.filter(Q(story=item) | Q(other=item)).select_related("moderator", "article")[:CHANGES]),
        **thread_context(request, first, viewer_of(request).moderates, queries.comments_in(item)),
    })


def story_by_id(request, pk):
    """Send /s/<id>/ to the story's address."""
    return redirect(get_object_or_404(Story.objects.only("pk", "slug"), pk=pk), permanent=True)


def _moderated(request, act, back):
    try:
        act()
    except DiscussionError as exc:  # StoryError, or NotAllowed for a reader who is not a moderator
        messages.error(request, str(exc))
    else:
        messages.success(request, "Done; it is in the moderation log.")
    return redirect(back)


@require_POST
@login_required
def merge(request, pk):
    """Merge this story into the story whose number the moderator gave, with a reason."""
    source = get_object_or_404(Story, pk=pk)
    into = Story.objects.filter(pk=id_param(request.POST.get("into", ""))).first()
    if into is None:
        messages.error(request, "No story has that number.")
        return redirect(source)
    return _moderated(request, lambda: moderation.merge(request.user, source, into, request.POST.get("reason", "")),
                      into)


@require_POST
@login_required
def split(request, pk):
    """Split one article out of its story, with a reason."""
    article = get_object_or_404(Article, pk=pk)
    back = getattr(getattr(article, "membership", None), "story", None) or article
    return _moderated(request, lambda: moderation.split(request.user, article, request.POST.get("reason", "")), back)


@require_POST
@login_required
def undo(request, pk):
    """Undo a merge or a split, with a reason."""
    change = get_object_or_404(StoryChange, pk=pk)
    return _moderated(request, lambda: moderation.undo(request.user, change, request.POST.get("reason", "")),
                      change.other)
