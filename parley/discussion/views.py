"""Discussion pages and form actions; each action validates, calls one service, and redirects."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parley.accounts.models import Block
from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article
from parley.articles.paging import id_param, listing_page
from parley.discussion import services
from parley.discussion.mentions import TooManyMentions, render_comment
from parley.discussion.models import Comment, ModerationAction
from parley.discussion.ranking import DEFAULT_WINDOW, WINDOWS, most_discussed
from parley.discussion.services import DiscussionError, is_moderator
from parley.discussion.threads import comment_location

PROFILE_COMMENTS = 50  # a profile lists this many of the reader's latest comments

MODERATION_LOG_PAGE = 100
QUEUE_SIZE = 100


@require_POST
@login_required
def post(request, pk):
    """Post a comment or a reply; on a refusal, show the text again with the reason."""
    article = get_object_or_404(Article.with_conversations, pk=pk)
    parent = None
    if request.POST.get("parent"):
        parent_id = id_param(request.POST["parent"])
        parent = Comment.objects.filter(pk=parent_id).first() if parent_id is not None else None
        if parent is None:
            return _refused(request, article, "The comment you replied to does not exist.", None)
    if request.POST.get("preview"):
        return _preview(request, article, parent)
    try:
        comment = services.post_comment(request.user, article, request.POST.get("text", ""), parent)
    except DiscussionError as exc:
        return _refused(request, article, str(exc), parent)
    _say_unknown_mentions(request, comment)
    return redirect(comment_location(comment))


def _say_unknown_mentions(request, comment) -> None:
    unknown = getattr(comment, "unknown_mentions", [])
    if unknown:
        names = ", ".join(f"@{name}" for name in unknown[:10])
        messages.info(request, f"No reader is called {names}; nobody was notified for {'it' if len(unknown) == 1 else 'them'}.",
                      extra_tags=f"at-c{comment.pk}")


def _preview(request, article, parent=None, editing=None):
    """Show a comment, reply or edit as it would read, with the form to post or save it or change
    it; nothing is saved. A new comment is checked as posting would check it."""
    text = request.POST.get("text", "")
    try:
        if editing is None:
            text = services.check_post_comment(request.user, article, text, parent)
        shown, problem = render_comment(text).html, None
    except (DiscussionError, TooManyMentions) as exc:
        shown, problem = "", str(exc)
    return render(request, "discussion/refused.html", {
        "article": article, "reason": problem, "parent": parent, "text": text, "preview": shown,
        "editing": editing}, status=400 if problem else 200)


def comment_link(request, pk):
    """Send a comment's permalink to the thread page that shows it now; a comment readers can no
    longer see sends them to its discussion, saying why it is not there."""
    comment = get_object_or_404(Comment, pk=pk)
    moderator = is_moderator(request.user)
    location = comment_location(comment, moderator=moderator)
    if comment.is_deleted or (comment.is_hidden and not moderator):
        if request.user.is_authenticated:  # anonymous pages are cached and carry no messages
            messages.info(request, "That comment was deleted by its author." if comment.is_deleted
                          else "That comment was removed by a moderator (see the moderation log).", extra_tags="at-thread")
        return redirect(location.replace(f"#c{comment.pk}", "#discussion"))
    return redirect(location)


def _refused(request, article, reason, parent):
    return render(request, "discussion/refused.html", {
        "article": article, "reason": reason, "parent": parent, "text": request.POST.get("text", ""),
    }, status=400)


def _back_to(request) -> str | None:
    """The page the action was taken from when it asked to go back there (`next`: the moderation
    queue), if that is a path on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def _comment_action(request, pk, action, success, *, at_thread=False):
    """Do `action` on the comment and go back where it was taken: the comment in its thread, with
    the answer beside it (or at the top of the discussion, with `at_thread`), or the page `next` names."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = _back_to(request)
    try:
        action(comment)
    except DiscussionError as exc:
        level, said, at_thread = messages.ERROR, str(exc), False  # a refusal is told beside the comment
    else:
        level, said = messages.SUCCESS, success
    messages.add_message(request, level, said, extra_tags="" if back else ("at-thread" if at_thread else f"at-c{comment.pk}"))
    if back:
        return redirect(back)
    location = comment_location(comment, moderator=is_moderator(request.user))
    return redirect(location.replace(f"#c{comment.pk}", "#discussion") if at_thread else location)


@require_POST
@login_required
def edit(request, pk):
    """Replace one's own comment's text (or, with `preview`, show it as it would read)."""
    if request.POST.get("preview"):
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk, author=request.user)
        return _preview(request, comment.article, editing=comment)

    def edit_and_say(comment):
        _say_unknown_mentions(request, services.edit_comment(request.user, comment, request.POST.get("text", "")))

    return _comment_action(request, pk, edit_and_say, "Comment updated.")


@require_POST
@login_required
def delete(request, pk):
    """Delete one's own comment; the top of its discussion offers to undo it for UNDO_DELETE."""
    return _comment_action(request, pk, lambda c: services.delete_comment(request.user, c),
                           f"Comment deleted. You can undo this for {services.UNDO_DELETE.seconds // 60} minutes.",
                           at_thread=True)


@require_POST
@login_required
def undelete(request, pk):
    """Bring back one's own comment deleted a moment ago."""
    return _comment_action(request, pk, lambda c: services.undelete_comment(request.user, c), "Comment restored.")


VOTE_VALUES = {"up": 1, "down": -1, "none": 0}


@require_POST
@login_required
def vote(request, pk):
    """Vote a comment up or down, change the vote, or withdraw it (value "none")."""
    value = VOTE_VALUES.get(request.POST.get("value", ""))
    if value is None:
        return HttpResponseBadRequest("A vote is up, down or none.")
    return _comment_action(request, pk, lambda c: services.vote(request.user, c, value),
                           "Vote withdrawn." if value == services.NO_VOTE else "Vote counted.")


@require_POST
@login_required
def flag(request, pk):
    """Flag a comment for the moderators."""
    return _comment_action(
        request, pk, lambda c: services.flag(request.user, c, request.POST.get("reason", ""), request.POST.get("note", "")),
        "Thanks: the moderators will look at it.")


def _moderator_only(request):
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators can see this page.")


@login_required
def queue(request):
    """List flagged comments, most flagged first, for moderators."""
    _moderator_only(request)
    flagged = (Comment.objects.filter(open_flags__gt=0, is_hidden=False)
               .select_related("author", "article").prefetch_related("flags").order_by("-open_flags", "created_at", "pk"))
    page = Paginator(flagged, QUEUE_SIZE).get_page(request.GET.get("page"))
    return render(request, "discussion/queue.html", {"flagged": page, "page": page})


@require_POST
@login_required
def moderate_comment(request, pk, action):
    """Hide, restore or dismiss the flags of a comment, with a reason for the public log."""
    act = {"hide": services.hide_comment, "restore": services.restore_comment, "dismiss": services.dismiss_flags}.get(action)
    if act is None:
        raise Http404(f"No moderation action {action!r}: hide, restore or dismiss.")
    done = {"hide": "Hidden", "restore": "Restored", "dismiss": "Flags dismissed"}[action]
    return _comment_action(request, pk, lambda c: act(request.user, c, request.POST.get("reason", "")),
                           f"{done}; it is in the moderation log.")


@require_POST
@login_required
def moderate_user(request, username, action):
    """Suspend a reader or lift a suspension, with a reason for the public log."""
    person = get_object_or_404(User, username=username)
    act = {"suspend": services.suspend_user, "unsuspend": services.unsuspend_user}.get(action)
    if act is None:
        raise Http404(f"No moderation action {action!r}: suspend or unsuspend.")
    try:
        act(request.user, person, request.POST.get("reason", ""))
    except DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        done = f"Suspended {person.username}" if action == "suspend" else f"Lifted {person.username}'s suspension"
        messages.success(request, f"{done}; it is in the moderation log.")
    return redirect("profile", username=person.username)


def moderation_log(request):
    """Show the public moderation log: who did what, and why."""
    actions = ModerationAction.objects.select_related("moderator", "target_user", "comment__article", "article")
    return render(request, "discussion/log.html", {"actions": actions[:MODERATION_LOG_PAGE]})


def _window(request) -> str:
    window = request.GET.get("window", DEFAULT_WINDOW)
    return window if window in WINDOWS else DEFAULT_WINDOW


@anonymous_page_cache
def most_discussed_page(request):
    """Show the Most Discussed ranking for a window, each entry explaining its place."""
    window = _window(request)
    return render(request, "discussion/most_discussed.html", {
        "entries": most_discussed(window, limit=30), "window": window, "windows": list(WINDOWS)})


@anonymous_page_cache
def active(request):
    """Show discussed articles, latest comment first."""
    return render(request, "discussion/active.html", listing_page(request, Article.objects.active(), "last_activity_at"))


def profile(request, username):
    """Show a reader's profile and their latest visible comments."""
    person = get_object_or_404(User.objects.select_related("profile"), username=username)
    comments = Comment.objects.visible().filter(author=person).select_related("article").order_by("-created_at")
    blocked = request.user.is_authenticated and Block.objects.filter(blocker=request.user, blocked=person).exists()
    return render(request, "accounts/profile.html", {
        "person": person, "comments": list(comments[:PROFILE_COMMENTS]), "total": comments.count(), "blocked": blocked,
    })
