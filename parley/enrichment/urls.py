from django.urls import path

from parley.enrichment import views

urlpatterns = [
    path("t/<str:symbol>/", views.ticker, name="ticker"),
    path("p/<str:name>/", views.person, name="person"),
    path("topic/<str:slug>/", views.topic, name="topic"),
    path("a/<int:pk>/facts/report", views.report, name="fact-report"),
    path("moderation/facts", views.fact_queue, name="fact-queue"),
    path("moderation/f/<int:pk>/<str:action>", views.moderate, name="moderate-fact"),
]
