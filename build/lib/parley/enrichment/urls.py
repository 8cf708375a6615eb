from django.urls import path

from parley.enrichment import views

urlpatterns = [
    path("t/<str:symbol>/", views.ticker, name="ticker"),
    path("p/<str:name>/", views.person, name="person"),
    path("topic/<str:slug>/", views.topic, name="topic"),
]
