from django.urls import path

from parley.articles import feeds

urlpatterns = [
    path("feed.rss", feeds.LatestRss(), name="latest-rss"),
    path("feed.atom", feeds.LatestAtom(), name="latest-atom"),
    path("o/<slug:slug>/feed.rss", feeds.OutletRss(), name="outlet-rss"),
    path("o/<slug:slug>/feed.atom", feeds.OutletAtom(), name="outlet-atom"),
]
