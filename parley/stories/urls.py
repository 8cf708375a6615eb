from django.urls import path

from parley.stories import feeds

urlpatterns = [
    path("stories.rss", feeds.StoriesRss(), name="stories-rss"),
    path("stories.atom", feeds.StoriesAtom(), name="stories-atom"),
]
