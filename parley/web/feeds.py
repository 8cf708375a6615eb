"""RSS and Atom of the company, person and topic pages: their latest articles, each story once, as
the pages list them, each with the sentence that names what the feed is about (outlets' feeds are
parley/articles/feeds.py)."""
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from parley.articles.feeds import FEED_SIZE, LatestRss
from parley.enrichment.companies import company
from parley.enrichment.models import slug_of
from parley.enrichment.names import name_of
from parley.enrichment.queries import known_symbol, latest_with_sentence
from parley.stories.queries import listed
from parley.web.entities import has_page


class About:
    """What a feed is about: its kind of fact, how facts match it, its name and its page."""

    def __init__(self, kind: str, match: dict, name: str, page: str):
        self.kind, self.match, self.name, self.page = kind, match, name, page


class EntityRss(LatestRss):
    """The latest articles about what get_object() returns (an About)."""

    def title(self, obj=None):
        return f"{settings.PARLEY_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.page

    def description(self, obj=None):
        return f"The latest articles about {obj.name}."

    def items(self, obj=None):
        rows = latest_with_sentence(obj.kind, limit=FEED_SIZE, where=listed("article__"), **obj.match)
        articles = []
        for fact, sentence in rows:
            fact.article.sentence = sentence
            articles.append(fact.article)
        return articles

    def item_description(self, item):
        """The outlet's name, then the sentence that names the feed's subject (else the lead)."""
        return " · ".join(part for part in (item.outlet.name if item.outlet else "", item.sentence or item.lead) if part)


class TickerRss(EntityRss):
    def get_object(self, request, symbol):
        symbol = symbol.lstrip("$").upper()
        if not symbol or not (known_symbol(symbol) or has_page(symbol)):  # has_page: prices alone, an index
            raise Http404("No article mentions this ticker, and it is not a listed company's.")
        known = company(symbol)
        return About("ticker", {"key": symbol}, f"{known.name} (${symbol})" if known else f"${symbol}",
                     reverse("ticker", args=[symbol]))


class PersonRss(EntityRss):
    def get_object(self, request, name):
        slug = slug_of(name)
        shown = name_of("person", slug) if slug else None
        if shown is None:
            raise Http404("Parley has not seen this person in any article.")
        return About("person", {"slug": slug}, shown, reverse("person", args=[slug]))


class TopicRss(EntityRss):
    def get_object(self, request, slug):
        slug = slug_of(slug)
        shown = name_of("topic", slug) if slug else None
        if shown is None:
            raise Http404("No article has this topic.")
        return About("topic", {"slug": slug}, shown[:1].upper() + shown[1:], reverse("topic", args=[slug]))


class TickerAtom(TickerRss):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class PersonAtom(PersonRss):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class TopicAtom(TopicRss):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)
