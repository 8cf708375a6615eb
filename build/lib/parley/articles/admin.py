from django.contrib import admin
from django.db import models

from parley.articles.models import Article, Disclaimer, Outlet
from parley.articles.services import delete_article

# URLs typed without a scheme are https ones (Django 6's default, taken now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "slug", "homepage"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Disclaimer)
class DisclaimerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_default", "updated_at"]
    autocomplete_fields = ["outlet"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "outlet", "published_at", "date_inferred", "comment_count", "is_sample"]
    list_filter = ["is_sample", "date_inferred", "outlet"]
    search_fields = ["title", "url"]
    date_hierarchy = "published_at"
    readonly_fields = ["body_html", "body_text", "identity_key", "content_hash", "origin", "comment_count", "last_activity_at", "created_at", "updated_at"]
    autocomplete_fields = ["outlet"]
    actions = ["delete_with_tombstones"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes go through delete_article(), which leaves a tombstone
        return actions

    @admin.action(description="Delete selected articles (they will not be imported again)")
    def delete_with_tombstones(self, request, queryset):
        for article in queryset:
            delete_article(article)

    def delete_model(self, request, obj):
        delete_article(obj)
