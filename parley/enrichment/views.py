"""Readers report wrong facts; moderators correct them (the fact queue). The pages of companies,
people and topics are reading pages: parley/web/entities.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from parley.articles.models import Article
from parley.discussion.services import DiscussionError, is_moderator
from parley.enrichment import corrections
from parley.enrichment.models import FactReport

QUEUE_SIZE = 30
MODERATION = {"remove": "remove", "person": "person", "organization": "organization", "place": "place"}


@require_POST
@login_required
def report(request, pk):
    """A reader reports one fact of an article as wrong; the moderators see it in their queue."""
    article = get_object_or_404(Article, pk=pk)
    kind, _, key = request.POST.get("fact", "").partition("|")
    try:
        corrections.report_fact(request.user, article, kind, key, request.POST.get("reason", ""),
                                request.POST.get("note", ""))
    except DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Thanks: the moderators will look at it.")
    return redirect(article.get_absolute_url() + "#facts")


@login_required
def fact_queue(request):
    """Open fact reports, oldest first, one entry per reported fact, for moderators."""
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators can see this page.")
    reports = FactReport.objects.filter(resolved_at=None).select_related("article").order_by("created_at", "pk")
    entries: dict[tuple, dict] = {}
    for r in reports:
        entry = entries.setdefault((r.article_id, r.kind, r.key), {"report": r, "reasons": []})
        entry["reasons"].append(r.get_reason_display() + (f": {r.note}" if r.note else ""))
    page = Paginator(list(entries.values()), QUEUE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enrichment/fact_queue.html", {"page": page})


@require_POST
@login_required
def moderate(request, pk, action):
    """Remove a reported fact, say what its words are, never tag them on any article, or keep it."""
    report = get_object_or_404(FactReport, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action in MODERATION:
            corrections.correct_fact(request.user, report, MODERATION[action], reason)
        elif action == "never":
            corrections.never_tag(request.user, report, reason)
        elif action == "keep":
            corrections.keep_fact(request.user, report, reason)
        else:
            raise Http404(f"No action {action!r} on a fact.")
    except DiscussionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Done; it is in the moderation log.")
    return redirect("fact-queue")
