from django.contrib import admin

from parley.jobs.models import JobState


@admin.register(JobState)
class JobStateAdmin(admin.ModelAdmin):
    list_display = ("name", "last_ok_at", "failures", "last_failed_at", "last_error")
    readonly_fields = ("name", "last_ok_at", "last_failed_at", "last_error", "failures")

    def has_add_permission(self, request):
        return False
