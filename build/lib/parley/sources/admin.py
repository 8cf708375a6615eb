from django.contrib import admin

from parley.sources.models import FetchLog, Source


class FetchLogInline(admin.TabularInline):
    model = FetchLog
    fields = ["started_at", "status", "new", "updated", "unchanged", "error", "notes"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["-started_at"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "health", "last_fetch_at", "last_status", "last_new", "last_updated",
                    "last_unchanged", "consecutive_failures", "next_check_at"]
    list_filter = ["kind", "paused"]
    search_fields = ["url", "name"]
    readonly_fields = ["etag", "last_modified", "last_fetch_at", "last_status", "last_error", "consecutive_failures",
                       "last_new", "last_updated", "last_unchanged", "claimed_by", "claimed_until", "created_at"]
    inlines = [FetchLogInline]

    @admin.display(description="health")
    def health(self, source):
        if source.paused:
            return f"paused: {source.last_error}"
        return f"failing: {source.last_error}" if source.consecutive_failures else "ok"
