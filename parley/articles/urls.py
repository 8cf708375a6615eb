from django.urls import path

from parley.articles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("o/<slug:slug>/", views.outlet, name="outlet"),
    path("search", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
]
