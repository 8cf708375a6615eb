"""RSS and Atom of stories: each event once, newest coverage first, with how many outlets reported it."""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from parley.stories.queries import with_activity

FEED_SIZE = 30


class StoriesRss(Feed):
    description = "Events several outlets reported, the one with the latest report first."

    def title(self, obj=None):
        return f"{settings.PARLEY_SITE_NAME}: stories"

    def link(self, obj=None):
        return "/"

    def items(self, obj=None):
        return with_activity()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        first = item.first_article
        outlet = first.outlet.name if first and first.outlet else "an unnamed source"
        return (f"{item.article_count} reports from {item.outlet_count} outlets; first reported by {outlet}."
                + (f" {first.lead}" if first and first.lead else ""))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.first_reported_at

    def item_updateddate(self, item):
        return item.last_article_at


class StoriesAtom(StoriesRss):
    feed_type = Atom1Feed
    subtitle = StoriesRss.description
