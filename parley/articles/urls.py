from django.urls import path

from parley.articles import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("a/<int:pk>/", views.article_by_id, name="article-by-id"),
    path("o/<slug:slug>/", views.outlet, name="outlet"),
    path("search", views.search, name="search"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feed.rss", feeds.LatestRss(), name="latest-rss"),
    path("feed.atom", feeds.LatestAtom(), name="latest-atom"),
    path("o/<slug:slug>/feed.rss", feeds.OutletRss(), name="outlet-rss"),
    path("o/<slug:slug>/feed.atom", feeds.OutletAtom(), name="outlet-atom"),
]
