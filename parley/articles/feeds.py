"""RSS and Atom feeds of the listings (latest, per outlet), through Django's syndication framework."""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from parley.articles.models import Article, Outlet

FEED_SIZE = 30


class LatestRss(Feed):
    description = "The latest articles."

    def title(self, obj=None):
        return f"{settings.PARLEY_SITE_NAME}: latest news"

    def link(self, obj=None):
        return "/"

    def items(self, obj=None):
        return Article.objects.newest()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The article's one-line lead (its summary, else its first paragraph), after the outlet's name."""
        return " · ".join(part for part in (item.outlet.name if item.outlet else "", item.lead) if part)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return None if item.date_unknown else item.published_at  # an unread date is not asserted

    def item_author_name(self, item):
        return item.byline or None


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    subtitle = LatestRss.description


class OutletRss(LatestRss):
    def get_object(self, request, slug):
        return get_object_or_404(Outlet, slug=slug)

    def title(self, obj=None):
        return f"{settings.PARLEY_SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def items(self, obj=None):
        return Article.objects.filter(outlet=obj).newest()[:FEED_SIZE]


class OutletAtom(OutletRss):
    feed_type = Atom1Feed
    subtitle = "The latest articles of one outlet."
