from django.urls import path

from parley.enrichment import views

urlpatterns = [
    path("a/<int:pk>/facts/report", views.report, name="fact-report"),
    path("moderation/facts", views.fact_queue, name="fact-queue"),
    path("moderation/f/<int:pk>/<str:action>", views.moderate, name="moderate-fact"),
]
