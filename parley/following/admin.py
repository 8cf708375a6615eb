"""Operators see failed deliveries and digests here (follows stay private: they are not listed)."""
from django.contrib import admin

from parley.following.models import Digest, Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "article_id", "comment_id", "created_at", "done_at", "delivered", "error")
    list_filter = ("kind",)
    search_fields = ("error",)
    readonly_fields = [f.name for f in Event._meta.fields]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("user", "period", "status", "items", "created_at", "sent_at", "error")
    list_filter = ("status",)
    search_fields = ("user__username", "period")
    readonly_fields = [f.name for f in Digest._meta.fields]
