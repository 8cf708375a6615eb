"""Comments, votes, flags, the moderation log, and hourly participation buckets."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from parley.articles.models import Article


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Return comments readers can see: neither deleted by their author nor hidden by a moderator."""
        return self.filter(is_deleted=False, is_hidden=False)


class Comment(models.Model):
    """A reader's comment on an article, possibly a reply to another comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0)
    body_markdown = models.TextField()
    body_html = models.TextField(help_text="Rendered from Markdown and sanitised with nh3 when saved.")
    # Edits may change the names but not add to them past the limit: each edit naming ten new readers
    # made one comment a mass ping.
    mentions = models.JSONField(default=list, blank=True, help_text="The keys of every name any version "
                                "of it mentioned, known or not: at most MAX_MENTIONS over its life.")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    # Its author may undo a delete for UNDO_DELETE (parley.discussion.services); the text stays until
    # then, and the worker's purge-deleted-comments job blanks it after.
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    # Wilson lower bound of the share of upvotes, kept with the vote counts for the "best" sort.
    best_score = models.FloatField(default=0.0)
    open_flags = models.PositiveIntegerField(default=0)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["article", "created_at"], name="comment_article_time"),
            models.Index(fields=["author", "-created_at"], name="comment_author_time"),
            models.Index(fields=["-open_flags"], condition=Q(open_flags__gt=0), name="comment_flagged"),
            # a reader's deletions they can still undo: a partial index of deleted comments only
            models.Index(fields=["author", "-deleted_at"], condition=Q(deleted_at__isnull=False),
                         name="comment_author_deleted"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_id} on {self.article_id}"

    def get_absolute_url(self):
        """A permalink that keeps working as the thread grows: it redirects to the comment's page."""
        return reverse("comment-link", args=[self.pk])


class Vote(models.Model):
    """One reader's up or down vote on one comment."""

    UP, DOWN = 1, -1
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=[(UP, "up"), (DOWN, "down")])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "voter"], name="one_vote_per_comment")]

    def __str__(self):
        return f"{'Up' if self.value > 0 else 'Down'}vote by {self.voter_id} on comment {self.comment_id}"


class Flag(models.Model):
    """A reader's report that a comment breaks the rules."""

    REASONS = [("spam", "Spam"), ("abuse", "Abuse or harassment"), ("off-topic", "Off topic"),
               ("misleading", "Misleading financial claims"), ("other", "Other")]
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=20, choices=REASONS)
    note = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="The comment's Markdown when it was flagged: moderators judge "
                                                  "what was reported, and see it beside any later edit.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "flagger"], name="one_flag_per_comment")]

    def __str__(self):
        return f"Flag ({self.reason}) by {self.flagger_id} on comment {self.comment_id}"


class ModerationAction(models.Model):
    """One entry of the public moderation log: who did what to which comment or reader, and why."""

    HIDE, RESTORE, SUSPEND, UNSUSPEND, DISMISS = "hide", "restore", "suspend", "unsuspend", "dismiss"
    CORRECT_FACT, DISMISS_REPORT = "fact", "keep-fact"
    STORY = "story"
    ACTIONS = [(HIDE, "hid a comment"), (RESTORE, "restored a comment"), (SUSPEND, "suspended a reader"),
               (UNSUSPEND, "lifted a suspension"), (DISMISS, "dismissed the flags on a comment"),
               (CORRECT_FACT, "corrected a fact"), (DISMISS_REPORT, "kept a reported fact"),
               (STORY, "changed a story")]
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_actions")
    action = models.CharField(max_length=20, choices=ACTIONS)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="moderation_received")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The article whose fact was corrected.")
    detail = models.CharField(max_length=300, blank=True, help_text="What was corrected: 'person Max: removed'; "
                                                                    "what a story change did.")
    link = models.CharField(max_length=200, blank=True, help_text="Where the change can be seen (a story's page).")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator_id} {self.get_action_display()}: {self.reason[:60]}"


class Participation(models.Model):
    """How many visible comments one reader left on one article in one hour.

    Most Discussed reads only the rows of its window, so its cost follows recent activity, not
    the size of the archive. Rows change in the same transaction as the comment they count.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="participation")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    comments = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user", "hour"], name="one_bucket_per_hour")]
        indexes = [models.Index(fields=["hour"], name="participation_hour")]

    def __str__(self):
        return f"{self.comments} comments by {self.user_id} on {self.article_id} at {self.hour:%Y-%m-%d %H}h"


class Heat(models.Model):
    """An article's Most Discussed score in one window, as log2, referenced to a fixed epoch.

    Exponential decay is the same factor for every article, so scores taken at different times
    compare once each is moved to one reference time; the log keeps the numbers small. Refreshed
    in the same transaction as every comment write; ranking reads the top rows by this index.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="heat")
    window = models.CharField(max_length=8)
    log_heat = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "window"], name="one_heat_per_window")]
        indexes = [models.Index(fields=["window", "-log_heat"], name="heat_rank")]

    def __str__(self):
        return f"Heat {self.window} of {self.article_id}: {self.log_heat:.2f}"


class TickerMention(models.Model):
    """A comment names a company by its $TICKER (one the site knows): what the company's page lists
    as the readers' latest words about it, from any article's discussion. Written with the comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="ticker_mentions")
    symbol = models.CharField(max_length=16)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "symbol"], name="one_mention_per_symbol")]
        indexes = [models.Index(fields=["symbol", "-created_at"], name="ticker_mention_newest")]

    def __str__(self):
        return f"Comment {self.comment_id} names ${self.symbol}"
