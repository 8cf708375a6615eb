"""The pages of what articles are about: a company (per ticker), a person, a topic. They combine
enrichment's facts with articles and the reader's follow button, so they live here above both."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parley.articles.caching import anonymous_page_cache
from parley.articles.models import Article, url_for
from parley.articles.paging import page_number
from parley.discussion import views as discussion_views
from parley.discussion.conversations import conversation_of, naming, start_conversation
from parley.enrichment.companies import company
from parley.enrichment.models import slug_of
from parley.enrichment.names import name_of
from parley.enrichment.queries import (
    articles_with,
    keys_in,
    known_symbol,
    latest_with_sentence,
    person_context,
    person_roles,
    quotes_of,
    ticker_context,
)
from parley.markets.instruments import describe
from parley.markets.models import DailyBar, Instrument
from parley.markets.queries import quote
from parley.markets.symbols import normalise
from parley.stories import queries as stories
from parley.web.charts import company_charts, coverage_charts
from parley.web.threads import thread_context
from parley.web.viewer import follow_button, viewer_of

LIST_PAGE = 20
MAX_PAGE = 100


def _listed(request, kind: str, **match) -> dict:
    """One page of an entity's latest articles (with their sentences) and its neighbours' numbers."""
    page = page_number(request, MAX_PAGE)
    rows = latest_with_sentence(kind, limit=LIST_PAGE + 1, offset=(page - 1) * LIST_PAGE,
                                where=stories.listed("article__"), **match)  # each story once
    stories.with_stories([fact.article for fact, _ in rows])
    return {"rows": rows[:LIST_PAGE], "list_page": page, "has_more": len(rows) > LIST_PAGE}


def has_page(symbol: str) -> bool:
    """Whether a symbol no article names and the company list lacks still has a page here: stored
    prices, or an index, fund or demo symbol the site knows (its page shows a conversation box too)."""
    return DailyBar.objects.filter(symbol=symbol).exists() or describe(symbol) is not None


def _not_a_symbol(request, reason: str):
    """The site's 404 page, saying in words why there is no company page here."""
    return render(request, "errors/404.html", {"path": request.path, "reason": reason}, status=404)


@anonymous_page_cache
def ticker(request, symbol):
    """A company's page: its name and exchange, its prices and charts, mentions per day, who is quoted
    about it, what is mentioned with it, and its latest articles with the sentence that mentions it.
    Broker spellings (brk-b, BRK/B, aapl.us) redirect to the one spelling; a symbol with stored
    prices has its page even when no article names it and the company list does not hold it."""
    normalised = normalise(symbol.removeprefix("$"))
    if normalised is None:
        return _not_a_symbol(request, f"“{symbol[:40]}” is not a ticker symbol: a symbol is up to ten "
                                      "letters or digits, with a share class after a dot (BRK.B) or a caret "
                                      "before an index (^GSPC).")
    if symbol != normalised:
        return redirect("ticker", normalised, permanent=True)
    listed = _listed(request, "ticker", key=symbol)
    known, found = company(symbol), quote(symbol)
    described = None if known else describe(symbol)
    if not listed["rows"] and known is None and found is None and described is None:
        return _not_a_symbol(request, f"Parley knows no company, fund or index with the symbol {symbol}: "
                                      "no article mentions it and no prices are stored for it.")
    # A listed company with no article yet still has its page (search links to it).
    return render(request, "enrichment/ticker.html", {
        "symbol": symbol, "company": known, "described": described, "display_name": known.name if known else described.name if described else "",
        "is_index": described is not None and described.kind == Instrument.INDEX,
        **listed, **_conversation(request, symbol), "quote": found, "follow": follow_button(request, "ticker", symbol, f"${symbol}"),
        **company_charts(request, symbol), **ticker_context(symbol)})


def _conversation(request, symbol: str) -> dict:
    """The company's own conversation (its thread, with the box to write in it) and the latest
    comments elsewhere that name $symbol."""
    host = conversation_of(symbol)
    talk = thread_context(request, host, viewer_of(request).moderates, host.comment_count if host else 0)
    return {**talk, "article": host or Article(conversation=symbol), "thread_post_to": url_for("ticker-talk", symbol),
            "naming": naming(symbol, leave_out=host.pk if host else None)}


@require_POST
@login_required
def talk(request, symbol):
    """Post in a company's conversation; its first comment starts it."""
    if symbol != normalise(symbol) or not (known_symbol(symbol) or has_page(symbol)):
        raise Http404("No company has this symbol here.")
    known = company(symbol)
    described = None if known else describe(symbol)
    host = start_conversation(symbol, known.name if known else described.name if described and described.name else symbol)
    return discussion_views.post(request, host.pk)


@anonymous_page_cache
def person(request, name):
    """A person's page at a case-insensitive slug: roles and organisations across articles, and their
    quotes newest first; ?about= narrows the quotes. Other spellings of the URL redirect to the slug."""
    slug = slug_of(name)
    if not slug:
        raise Http404("Parley has not seen this person in any article.")
    if name != slug:
        return redirect("person", slug, permanent=True)
    shown = name_of("person", slug)
    if shown is None:
        raise Http404("Parley has not seen this person in any article.")
    about = request.GET.get("about", "").strip()[:100]
    return render(request, "enrichment/person.html", {
        "name": shown, "slug": slug, "follow": follow_button(request, "person", slug, shown), "roles": person_roles(slug), "quotes": quotes_of(slug, about), "about": about,
        **_listed(request, "person", slug=slug), **person_context(slug)})


@anonymous_page_cache
def topic(request, slug):
    """A topic's page: articles per day and its latest articles with the sentence that placed them."""
    if not slug_of(slug):
        raise Http404("No article has this topic.")
    if slug != slug_of(slug):
        return redirect("topic", slug_of(slug), permanent=True)
    listed = _listed(request, "topic", slug=slug)
    name = name_of("topic", slug)
    if name is None:
        raise Http404("No article has this topic.")
    return render(request, "enrichment/topic.html", {
        "topic": name, "slug": slug, **listed, "follow": follow_button(request, "topic", slug, name[:1].upper() + name[1:]), **coverage_charts(request, "topic", slug=slug),
        "tickers": keys_in("ticker", articles_with("topic", slug=slug))})
