"""Outlets, their disclaimers, and the articles they publish."""
from functools import cache

from django.core.cache import caches
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse

from parley.articles.queries import ArticleQuerySet

SAMPLE_ARGS = {int: 987654321, str: "placeholder-slug"}
DEFAULT_DISCLAIMER_KEY = "disclaimer:site-default"
DEFAULT_DISCLAIMER_SECONDS = 60  # other processes see an edited default within a minute


@cache
def _url_format(name: str, kinds: tuple, script_prefix: str) -> str:
    """Return a route as a str.format template, so listings need not resolve every link."""
    samples = [SAMPLE_ARGS[kind] for kind in kinds]
    url = reverse(name, args=samples)
    for n, sample in enumerate(samples):
        url = url.replace(str(sample), f"{{{n}}}")
    return url


def url_for(name: str, *args) -> str:
    """Return reverse(name, args=args) for int and slug arguments, at a fraction of its cost."""
    return _url_format(name, tuple(type(a) for a in args), get_script_prefix()).format(*args)


class Outlet(models.Model):
    """A publisher articles come from ("Deep News")."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("outlet", self.slug)


class Disclaimer(models.Model):
    """An investment disclaimer shown after an article's body: one per outlet, plus a site default."""

    outlet = models.OneToOneField(Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="disclaimer")
    is_default = models.BooleanField(default=False, help_text="Shown for outlets that have no disclaimer of their own.")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_disclaimer"),
            models.CheckConstraint(condition=Q(outlet__isnull=False) | Q(is_default=True), name="disclaimer_has_owner"),
        ]

    def __str__(self):
        return f"Disclaimer of {self.outlet or 'the site'}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        caches["default"].delete(DEFAULT_DISCLAIMER_KEY)  # an edited default shows on the next page

    @classmethod
    def site_default(cls) -> "Disclaimer | None":
        """Return the site's default disclaimer; every article page without an outlet one asks."""
        found = caches["default"].get(DEFAULT_DISCLAIMER_KEY)
        if found is None:
            found = cls.objects.filter(is_default=True).first() or False
            caches["default"].set(DEFAULT_DISCLAIMER_KEY, found, DEFAULT_DISCLAIMER_SECONDS)
        return found or None


class NewsManager(models.Manager.from_queryset(ArticleQuerySet)):
    """Articles as every listing, page, feed, search and job sees them: news, never the rows that
    only carry a company page's conversation (Article.conversation)."""

    def get_queryset(self):
        return super().get_queryset().filter(conversation__isnull=True)


class Article(models.Model):
    """One news article, stored once however often it is imported.

    A row with `conversation` set is not news: it carries the readers' conversation on a company's
    page (parley.discussion.conversations), so that conversation is threaded, counted, ranked and
    moderated as any article's discussion is. `Article.objects` never returns such rows; the
    discussion writes, which must, use `Article.with_conversations`.
    """

    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, allow_unicode=False)
    byline = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="Canonical URL, when known.")
    published_at = models.DateTimeField(db_index=False)
    date_inferred = models.BooleanField(
        default=False, help_text="The year (or the whole date) was not on the page and was inferred.")
    # A date nobody could read is never guessed: published_at then holds when Parley found the
    # article (so it sorts somewhere), and the article never counts as new anywhere.
    date_unknown = models.BooleanField(
        default=False, db_default=False,
        help_text="The source gave no date Parley could read: shown as \u201cdate unknown\u201d, sorted by when it was found.")
    summary = models.TextField(blank=True)
    lead = models.CharField(max_length=300, blank=True, db_default="", default="",
                            help_text="One line for lists and feeds: the summary, else the first paragraph, shortened.")
    body_html = models.TextField(blank=True, help_text="Sanitised with nh3 before it is stored; empty for a link item.")
    body_text = models.TextField(blank=True, help_text="Plain text, paragraphs separated by blank lines; empty for a "
                                                       "link item (a feed entry with a headline and a link only).")
    # identity_key is the sha256 of the dedupe identity (services.identity_of): canonical URL, else
    # outlet+title+day (outlet+title+words when the date was inferred), else content.
    identity_key = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=500, blank=True, help_text="Where it was imported from.")
    is_sample = models.BooleanField(default=False, help_text="Demo content generated by Parley.")
    # Discussion counters, kept current by the discussion services in the same transaction as each write.
    comment_count = models.PositiveIntegerField(default=0)
    participant_count = models.PositiveIntegerField(default=0)
    # Moved by every discussion write that changes what the thread shows, in the write's transaction:
    # the cached thread is keyed on it, so a write is never served stale.
    discussion_version = models.PositiveIntegerField(default=0)
    # Starts at publication; comments move it forward. Never null, so one index serves the ranking.
    last_activity_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Nullable without a default so that adding it is one ALTER TABLE, not a rewrite of the archive.
    conversation = models.CharField(max_length=16, null=True, blank=True,  # noqa: DJ001 (null: see above)
                                    help_text="The ticker whose page this row's conversation belongs to; "
                                              "empty (null) for every news article.")

    objects = NewsManager()
    with_conversations = ArticleQuerySet.as_manager()

    class Meta:
        indexes = [
            # newest(): keyset pagination walks (published_at, id) backwards.
            models.Index(fields=["-published_at", "-id"], name="article_newest"),
            models.Index(fields=["outlet", "-published_at", "-id"], name="article_outlet_newest"),
            # active(): latest comment first.
            models.Index(fields=["-last_activity_at", "-id"], name="article_active"),
        ]
        constraints = [
            # Partial, so it is an index of the few conversation rows (and SQLite adds it in place).
            models.UniqueConstraint(fields=["conversation"], condition=Q(conversation__isnull=False),
                                    name="one_conversation_per_ticker"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Read without loading: a listing's .only() leaves it deferred, and listings hold news only.
        symbol = self.__dict__.get("conversation")
        if symbol:
            return reverse("ticker", args=[symbol])
        return url_for("article", self.pk, self.slug or "a")

    def disclaimer_to_show(self) -> "Disclaimer | None":
        """Return the outlet's disclaimer, else the site default, else None."""
        own = getattr(self.outlet, "disclaimer", None) if self.outlet_id else None
        return own or Disclaimer.site_default()

    @property
    def is_link_item(self) -> bool:
        """Whether the source gave only a headline and a link: the article is read at the outlet."""
        return not self.body_text

    def paragraphs(self):
        """Return the body as a list of plain-text paragraphs."""
        return [p for p in self.body_text.split("\n\n") if p.strip()]


class Tombstone(models.Model):
    """The identity of a deleted article, so neither import nor ingestion brings it back."""

    identity_key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=500)
    deleted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Deleted: {self.title}"
