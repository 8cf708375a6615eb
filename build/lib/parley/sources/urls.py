from django.urls import path

from parley.sources import feeds

urlpatterns = [
    path("sources/<int:pk>/feed.rss", feeds.SourceRss(), name="source-rss"),
    path("sources/<int:pk>/feed.atom", feeds.SourceAtom(), name="source-atom"),
]
