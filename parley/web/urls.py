from django.urls import path

from parley.web import entities, feeds, markets, stories, views

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("a/<int:pk>/", views.article_by_id, name="article-by-id"),
    path("s/<int:pk>/<slug:slug>/", stories.story, name="story"),
    path("s/<int:pk>/", stories.story_by_id, name="story-by-id"),
    path("s/<int:pk>/merge", stories.merge, name="story-merge"),
    path("s/split/<int:pk>", stories.split, name="story-split"),
    path("s/change/<int:pk>/undo", stories.undo, name="story-undo"),
    path("o/<slug:slug>/", views.outlet, name="outlet"),
    path("search", views.search, name="search"),
    path("markets/", markets.markets, name="markets"),
    path("t/<str:symbol>/", entities.ticker, name="ticker"),
    path("t/<str:symbol>/talk", entities.talk, name="ticker-talk"),
    path("p/<str:name>/", entities.person, name="person"),
    path("topic/<str:slug>/", entities.topic, name="topic"),
    path("t/<str:symbol>/feed.rss", feeds.TickerRss(), name="ticker-rss"),
    path("t/<str:symbol>/feed.atom", feeds.TickerAtom(), name="ticker-atom"),
    path("p/<str:name>/feed.rss", feeds.PersonRss(), name="person-rss"),
    path("p/<str:name>/feed.atom", feeds.PersonAtom(), name="person-atom"),
    path("topic/<str:slug>/feed.rss", feeds.TopicRss(), name="topic-rss"),
    path("topic/<str:slug>/feed.atom", feeds.TopicAtom(), name="topic-atom"),
    path("feed/", views.my_feed_page, name="my-feed"),
    path("favicon.ico", views.favicon, name="favicon"),
]
