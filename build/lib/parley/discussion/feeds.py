"""RSS and Atom feeds of Most Discussed, through Django's syndication framework."""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from parley.discussion.ranking import DEFAULT_WINDOW, WINDOWS, most_discussed


class MostDiscussedRss(Feed):
    description = "Articles readers are discussing most right now."

    def title(self, window=None):
        return f"{settings.PARLEY_SITE_NAME}: Most Discussed"

    def get_object(self, request):
        window = request.GET.get("window", DEFAULT_WINDOW)
        return window if window in WINDOWS else DEFAULT_WINDOW

    def link(self, window):
        return f"/most-discussed?window={window}"

    def items(self, window):
        return most_discussed(window, limit=30)

    def item_title(self, entry):
        return entry.article.title

    def item_description(self, entry):
        return " ".join(part for part in (entry.explanation + ".", entry.article.lead) if part)

    def item_link(self, entry):
        return entry.article.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.article.published_at

    def item_updateddate(self, entry):
        return entry.last_at


class MostDiscussedAtom(MostDiscussedRss):
    feed_type = Atom1Feed
    subtitle = MostDiscussedRss.description
