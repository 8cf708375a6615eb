"""Admin for the discussion: comments, flags and the moderation log, read-mostly.

Counters (comment counts, Most Discussed) move only through `services`, so the admin shows
comments and flags but does not edit what would bypass them: hide and restore from the site.
"""
from django.contrib import admin

from parley.discussion.models import Comment, Flag, ModerationAction


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    can_delete = False
    readonly_fields = ["flagger", "reason", "note", "created_at", "resolved_at"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "article", "created_at", "open_flags", "is_hidden", "is_deleted", "upvotes", "downvotes"]
    list_filter = ["is_hidden", "is_deleted", "created_at"]
    search_fields = ["body_markdown", "author__username", "article__title"]
    list_select_related = ["author", "article"]
    readonly_fields = [f.name for f in Comment._meta.fields]
    inlines = [FlagInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting here would skip the counters: authors delete, moderators hide


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["comment", "flagger", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["comment", "flagger"]
    readonly_fields = ["comment", "flagger", "reason", "note", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "target_user", "comment", "reason"]
    list_filter = ["action", "created_at"]
    search_fields = ["reason", "moderator__username", "target_user__username"]
    list_select_related = ["moderator", "target_user", "comment"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ModerationAction._meta.fields]  # the public log is never rewritten

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
