from django.urls import path

from parley.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("a/<int:pk>/", views.article_by_id, name="article-by-id"),
    path("o/<slug:slug>/", views.outlet, name="outlet"),
    path("search", views.search, name="search"),
    path("favicon.ico", views.favicon, name="favicon"),
]
