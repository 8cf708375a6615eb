from django.contrib import admin

from parley.enrichment.models import NameRule


@admin.register(NameRule)
class NameRuleAdmin(admin.ModelAdmin):
    """Site rules: what some words always are here. Articles are re-enriched with a rule when their
    enrichment next runs (`parley enrich --stale`, or a VERSION bump)."""

    list_display = ["words", "kind", "ticker", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["words", "reason"]
    fields = ["words", "kind", "ticker", "reason"]
