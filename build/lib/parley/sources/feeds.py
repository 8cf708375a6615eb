"""RSS and Atom feeds of what one source brought in."""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from parley.articles.feeds import FEED_SIZE, LatestRss
from parley.articles.models import Article
from parley.sources.models import Source


class SourceRss(LatestRss):
    def get_object(self, request, pk):
        return get_object_or_404(Source, pk=pk)

    def title(self, obj=None):
        # A source's URL may carry secrets (tokens in its query): the feed names it, never shows it.
        return f"{settings.PARLEY_SITE_NAME}: from {obj.name or f'source {obj.pk}'}"

    def link(self, obj=None):
        return "/"

    def items(self, obj=None):
        return Article.objects.filter(carried_by__source=obj).newest()[:FEED_SIZE]


class SourceAtom(SourceRss):
    feed_type = Atom1Feed
    subtitle = "The latest articles one source brought in."
