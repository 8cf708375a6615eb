from django.contrib import admin
from django.utils import timezone

from parley.outgoing.models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """What the queue holds and why a mail did not go; "Try again now" after fixing the mail server."""

    list_display = ["subject", "to", "state", "attempts", "created_at", "next_try_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), ("gave_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    fields = ["to", "subject", "created_at", "attempts", "next_try_at", "last_error", "sent_at", "gave_up_at"]
    readonly_fields = fields
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Try again now")
    def try_again(self, request, queryset):
        count = queryset.filter(sent_at=None).update(gave_up_at=None, next_try_at=timezone.now())
        self.message_user(request, f"{count} mail(s) will be tried by the worker within seconds.")
