"""Reading pages that combine the apps: home, article (its discussion and facts), outlet, search, my feed.
The pages of companies, people and topics are in entities.py."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article, Outlet
from parley.articles.paging import listing_page, pager_links
from parley.articles.queries import Cursor
from parley.discussion.ranking import most_discussed_box
from parley.enrichment.highlight import marked_body
from parley.enrichment.models import FactReport
from parley.enrichment.queries import article_facts
from parley.following.feed import my_feed, price_strip
from parley.following.models import Follow
from parley.following.tokens import private_feed_url
from parley.stories import queries as stories
from parley.web import markets
from parley.web.threads import thread_context
from parley.web.viewer import follow_button, viewer_of

SEARCH_PAGE_SIZE = 10  # results per page, as web search engines show: the snippets are what a reader scans
MORE_FROM_OUTLET = 5
MAX_TOPICS = 3
MAX_SEARCH_PAGE = 50


def favicon(request):
    """Send browsers that ask for /favicon.ico to the site's icon."""
    from django.templatetags.static import static

    return redirect(static("parley/favicon.svg"), permanent=True)


def _listing(request, queryset, template, extra, moves=False):
    page = listing_page(request, queryset)
    stories.with_stories(page["articles"])  # "+N outlets" under a report that is part of a story
    context = {
        **page,
        "most_discussed": most_discussed_box(),
        **extra,
    }
    if moves:  # each article's tickers' move since publication (bench/moves.py: two queries a page)
        context["moves"] = markets.listing_moves(page["articles"])
    return render(request, template, context)


@anonymous_page_cache
def home(request):
    """Show the latest articles, newest first, each story once (its newest report, "+N outlets"), and
    the Most Discussed box; beside them the tickers in the news moving most, and each article's tickers'
    move since publication."""
    return _listing(request, stories.once_per_story(Article.objects.newest()), "articles/home.html",
                    {"movers": markets.movers(markets.HOME_BOX)}, moves=True)


@anonymous_page_cache
def outlet(request, slug):
    """Show one outlet's articles, newest first."""
    source = get_object_or_404(Outlet, slug=slug)
    return _listing(request, Article.objects.filter(outlet=source).newest(), "articles/outlet.html",
                    {"outlet": source, "follow": follow_button(request, "outlet", source.slug, source.name)})


def article_by_id(request, pk):
    """Send /a/<id>/ (a link without its title part) to the article's address."""
    return redirect(get_object_or_404(Article.objects.only("pk", "slug"), pk=pk), permanent=True)


@anonymous_page_cache
def article(request, pk, slug):
    """Show one article, its outlet's disclaimer after the body, and its discussion."""
    item = get_object_or_404(Article.objects.select_related("outlet", "outlet__disclaimer", "enrichment",
                                                            stories.LISTING), pk=pk)
    if slug != item.slug:
        return redirect(item, permanent=True)
    more = []
    if item.outlet_id:
        more = list(Article.objects.filter(outlet_id=item.outlet_id).exclude(pk=item.pk).newest()[:MORE_FROM_OUTLET])
    state = getattr(item, "enrichment", None)
    facts = article_facts(item) if state and state.describes(item) else {}  # stale spans are never shown
    spans = [(s, e, entry["fact"].pk) for kind in facts.values() for entry in kind for s, e in entry["spans"][:1]]
    story = stories.shared_story(item)
    comments = stories.comments_in(story) if story else item.comment_count
    return render(request, "articles/article.html", {
        "article": item,
        "story": story,
        "disclaimer": item.disclaimer_to_show(),
        "more_from_outlet": more,
        "most_discussed": most_discussed_box(),
        **thread_context(request, item, viewer_of(request).moderates, comments),
        "fact_report_reasons": FactReport.REASONS,
        "follow": follow_button(request, "article", str(item.pk), "this discussion"),
        "facts": facts,
        "moves": markets.article_moves(item, [e["fact"].key for e in facts.get("ticker", [])]),
        # At most three topics: those the article returns to most often, then the surest.
        "top_topics": sorted(facts.get("topic", []), key=lambda e: (-len(e["spans"]), -e["fact"].confidence))[:MAX_TOPICS],
        # With facts, each fact's words are anchored inside the stored blocks (paragraphs, lists, headings).
        "body": marked_body(item.body_html, item.body_text, spans) if spans else None,
    })


@login_required
@require_GET
def my_feed_page(request):
    """My feed: articles about what the reader follows, newest first, each saying why."""
    page = my_feed(request.user, Cursor.decode(request.GET.get("after", "")), Cursor.decode(request.GET.get("before", "")))
    return render(request, "following/feed.html", {
        "items": page.rows, **pager_links(page), "follow_count": Follow.objects.filter(user=request.user).count(),
        "private_url": private_feed_url(request), "strip": price_strip(request.user)})


@anonymous_page_cache
def search(request):
    """Search that knows finance: a ticker, a company or a person first, then text, with filters;
    a filter value that names nothing known is said so, with the nearest known values."""
    from parley.web import finder

    form = finder.read_form(request.GET, MAX_SEARCH_PAGE)
    asked = form.query or form.filters.any()
    found = finder.find(form.query, form.filters, form.page, SEARCH_PAGE_SIZE) if asked else None
    return render(request, "articles/search.html", {
        "form": form, "query": form.query, "found": found, "hits": found.hits if found else [], "page": form.page,
        "has_next": found.has_next if found else False, "filters": form.filters, "errors": form.notes,
        "topics": finder.topic_choices(form.filters.topic), "outlets_listed": finder.outlets_listed(),
        "tickers_listed": finder.tickers_listed(), "params": {k: v for k, v in form.params.items() if v},
    })
