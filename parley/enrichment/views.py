"""Company pages (per ticker), person pages and topic pages."""
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article
from parley.articles.paging import page_number
from parley.discussion.services import DiscussionError, is_moderator
from parley.enrichment import corrections
from parley.enrichment.charts import daily_bars
from parley.enrichment.companies import company
from parley.enrichment.models import Fact, FactReport, slug_of
from parley.enrichment.queries import (
    articles_with,
    daily_counts,
    keys_in,
    latest_with_sentence,
    person_context,
    person_named,
    person_roles,
    quotes_of,
    ticker_context,
)

CHART_DAYS = 90
LIST_PAGE = 20
MAX_PAGE = 100


def _listed(request, kind: str, **match) -> dict:
    """One page of an entity's latest articles (with their sentences) and its neighbours' numbers."""
    page = page_number(request, MAX_PAGE)
    rows = latest_with_sentence(kind, limit=LIST_PAGE + 1, offset=(page - 1) * LIST_PAGE, **match)
    return {"rows": rows[:LIST_PAGE], "list_page": page, "has_more": len(rows) > LIST_PAGE}


def _chart(kind: str, label: str, **match):
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=CHART_DAYS)
    return daily_bars(daily_counts(kind, since, **match), today, CHART_DAYS, label)


@anonymous_page_cache
def ticker(request, symbol):
    """A company's page: its name and exchange, mentions per day, who is quoted about it, what is
    mentioned with it, and its latest articles with the sentence that mentions it."""
    if symbol != symbol.upper():
        return redirect("ticker", symbol.upper(), permanent=True)
    listed = _listed(request, "ticker", key=symbol)
    known = company(symbol)
    if not listed["rows"] and known is None:
        raise Http404("No article mentions this ticker.")
    # A listed company with no article yet still has its page (search links to it).
    return render(request, "enrichment/ticker.html", {
        "symbol": symbol, "company": known, **listed,
        "chart": _chart("ticker", "articles", key=symbol), **ticker_context(symbol)})


@anonymous_page_cache
def person(request, name):
    """A person's page at a case-insensitive slug: roles and organisations across articles, and their
    quotes newest first; ?about= narrows the quotes. Other spellings of the URL redirect to the slug."""
    slug = slug_of(name)
    if not slug:
        raise Http404("Parley has not seen this person in any article.")
    if name != slug:
        return redirect("person", slug, permanent=True)
    shown = person_named(slug)
    if shown is None:
        raise Http404("Parley has not seen this person in any article.")
    about = request.GET.get("about", "").strip()[:100]
    return render(request, "enrichment/person.html", {
        "name": shown, "slug": slug, "roles": person_roles(slug), "quotes": quotes_of(slug, about), "about": about,
        **_listed(request, "person", slug=slug), **person_context(slug)})


@anonymous_page_cache
def topic(request, slug):
    """A topic's page: articles per day and its latest articles with the sentence that placed them."""
    if not slug_of(slug):
        raise Http404("No article has this topic.")
    if slug != slug_of(slug):
        return redirect("topic", slug_of(slug), permanent=True)
    listed = _listed(request, "topic", slug=slug)
    name = Fact.objects.filter(kind="topic", slug=slug).values_list("key", flat=True).first()
    if name is None:
        raise Http404("No article has this topic.")
    return render(request, "enrichment/topic.html", {
        "topic": name, **listed, "chart": _chart("topic", "articles", slug=slug),
        "tickers": keys_in("ticker", articles_with("topic", slug=slug))})


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
