"""What readers follow, what they are told (notifications), how (preferences), and the outbox of
events that produce notifications in the background."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from parley.articles.models import Article
from parley.discussion.models import Comment


class Follow(models.Model):
    """One thing a reader follows: a ticker, a person, a topic, an outlet, or one article's discussion.

    `key` names it as its page does (ticker symbol, person/topic/outlet slug, article id), so a
    follow of something later deleted stays, shown as removed, until the reader drops it.
    """

    TICKER, PERSON, TOPIC, OUTLET, ARTICLE, STORY = "ticker", "person", "topic", "outlet", "article", "story"
    KINDS = [(TICKER, "ticker"), (PERSON, "person"), (TOPIC, "topic"), (OUTLET, "outlet"), (ARTICLE, "discussion"),
             (STORY, "story")]
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=16, choices=KINDS)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="one_follow_per_thing")]
        # Fan-out reads the followers of one thing.
        indexes = [models.Index(fields=["kind", "key"], name="follow_thing")]

    def __str__(self):
        return f"{self.user_id} follows {self.kind} {self.key}"


class Preferences(models.Model):
    """A reader's choices about notifications and mail; a reader without a row has the defaults."""

    INBOX, EMAIL, OFF = "inbox", "email", "off"
    DELIVERY = [(INBOX, "Inbox"), (EMAIL, "Inbox and e-mail digest"), (OFF, "Off")]
    NEVER, DAILY, WEEKLY = "off", "daily", "weekly"
    DIGESTS = [(DAILY, "Daily"), (WEEKLY, "Weekly"), (NEVER, "Never")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    reply = models.CharField(max_length=8, choices=DELIVERY, default=EMAIL)
    mention = models.CharField(max_length=8, choices=DELIVERY, default=EMAIL)
    discussion = models.CharField(max_length=8, choices=DELIVERY, default=INBOX)
    articles = models.CharField(max_length=8, choices=DELIVERY, default=INBOX)
    digest = models.CharField(max_length=8, choices=DIGESTS, default=WEEKLY)
    next_digest_at = models.DateTimeField(null=True, blank=True, help_text="When the next digest is due; empty: now.")
    # The private feed's link carries this number: raising it revokes every link given before.
    private_feed = models.BooleanField(default=False)
    feed_generation = models.PositiveIntegerField(default=0)
    watchlist_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["digest", "next_digest_at"], name="preferences_digest_due")]

    def __str__(self):
        return f"Preferences of {self.user_id}"

    def delivery(self, kind: str) -> str:
        return getattr(self, Notification.SETTING.get(kind, kind))


class Notification(models.Model):
    """Something a reader is told in their inbox. Notifications of one thing group while unread:
    "5 new articles about $BA" is one row whose count grew."""

    REPLY, MENTION, DISCUSSION, ARTICLES, STORY = "reply", "mention", "discussion", "articles", "story"
    KINDS = [(REPLY, "replies to your comments"), (MENTION, "mentions of you"),
             (DISCUSSION, "new comments in discussions you follow, and news of stories you follow"),
             (ARTICLES, "new articles about tickers and people you follow"),
             (STORY, "new reports and comments in stories you follow")]
    # The reader's setting each kind follows (Preferences has one per kind, except that a story is a
    # discussion followed: its setting is the discussions').
    SETTING = {STORY: DISCUSSION}
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=KINDS)
    group_key = models.CharField(max_length=220, help_text="What unread notifications group on: reply:<comment>, "
                                 "discussion:<article>, ticker:<symbol>, person:<slug>.")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=1, help_text="How many: comments, or articles (a story's: comments).")
    new_articles = models.PositiveIntegerField(default=0, help_text="A story's new reports, beside its comments.")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group_key"], condition=Q(read_at__isnull=True),
                                               name="one_unread_per_group")]
        indexes = [models.Index(fields=["user", "-updated_at", "-id"], name="notification_inbox"),
                   models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread")]

    def __str__(self):
        return f"{self.kind} for {self.user_id}: {self.group_key} x{self.count}"


class Event(models.Model):
    """An outbox row: something happened that may notify readers. Written in the transaction of the
    change itself; a worker turns it into notifications exactly once (`events.process_events`)."""

    COMMENT, EDIT, ARTICLE, JOINED = "comment", "edit", "article", "joined"  # joined: an article joined a story
    kind = models.CharField(max_length=16)
    article = models.ForeignKey(Article, null=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    delivered = models.PositiveIntegerField(default=0, help_text="Notifications it created or grew.")
    error = models.TextField(blank=True)
    mentioned = models.JSONField(null=True, blank=True, help_text="Ids of the readers the comment mentions, "
                                 "resolved when it was written (null: queued by a version that did not store them).")

    class Meta:
        indexes = [models.Index(fields=["id"], condition=Q(done_at__isnull=True), name="event_pending"),
                   models.Index(fields=["created_at"], name="event_created")]  # pruning delivered ones

    def __str__(self):
        return f"{self.kind} event {self.pk}" + (f" (failed: {self.error})" if self.error else "")


class Digest(models.Model):
    """One reader's digest of one period ("d2026-11-28", "w2026-W48"). The row is taken before the
    mail is sent, so machines running `parley digest` at once send each digest once."""

    PENDING, SENT, EMPTY, FAILED = "pending", "sent", "empty", "failed"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=16)
    status = models.CharField(max_length=8, default=PENDING)
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which run took it ("the worker on web-1 (pid 812)"), so a run that finds it done can say by whom.
    sent_by = models.CharField(max_length=200, blank=True, db_default="", default="")
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]
        indexes = [models.Index(fields=["status"], condition=Q(status="failed"), name="digest_failed")]

    def __str__(self):
        return f"Digest {self.period} of {self.user_id}: {self.status}"
