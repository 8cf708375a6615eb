"""What enrichment found in an article, and when it last ran."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from parley.articles.models import Article


class Enrichment(models.Model):
    """The state of an article's enrichment: when it ran, with which version, and any failure."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="enrichment")
    version = models.PositiveIntegerField()
    enriched_at = models.DateTimeField()
    error = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="The article's content hash when enriched: "
                                    "facts of another text are stale and never shown.")
    truncated = models.BooleanField(default=False, help_text="The body was longer than the enrichment limit.")

    def __str__(self):
        return f"Enrichment of {self.article_id}" + (f" (failed: {self.error})" if self.error else "")

    def describes(self, article) -> bool:
        """Return whether these results are of the article's current text (else they are stale)."""
        return self.content_hash == article.content_hash


class Fact(models.Model):
    """One thing an article states, with the character span of the words it came from."""

    TICKER, MONEY, PERCENT, TOPIC = "ticker", "money", "percent", "topic"
    PERSON, ORGANIZATION, PLACE, QUOTE = "person", "organization", "place", "quote"
    KINDS = [(TICKER, "ticker"), (MONEY, "money figure"), (PERCENT, "percentage"), (TOPIC, "topic"),
             (PERSON, "person"), (ORGANIZATION, "organisation"), (PLACE, "place"), (QUOTE, "quote")]
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=16, choices=KINDS)
    key = models.CharField(max_length=200, help_text="What the fact is about: a ticker symbol, a topic name, …")
    slug = models.SlugField(max_length=200, blank=True, db_default="", default="",
                            help_text="The key as a lower-case URL word: person and topic pages are found by it.")
    text = models.TextField(help_text="The words as the article has them.")
    value = models.JSONField(default=dict, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    confidence = models.FloatField(default=1.0)

    class Meta:
        # With the article: a story's candidates read one name's facts from a window's first article on.
        indexes = [models.Index(fields=["kind", "key", "article"], name="fact_kind_key_article"),
                   models.Index(fields=["kind", "slug"], name="fact_kind_slug")]
        ordering = ["start", "id"]

    def __str__(self):
        return f"{self.kind} {self.key} at {self.start}-{self.end}"

    def save(self, *args, **kwargs):
        self.slug = slug_of(self.key)
        super().save(*args, **kwargs)


def slug_of(key: str) -> str:
    """The URL word of a fact's key: "Jerome Powell" and "jerome  POWELL" are both "jerome-powell"."""
    from django.utils.text import slugify

    return slugify(key)[:200]


class Subject(models.Model):
    """One thing an article is about (a ticker, a person, a topic), once per article, with its date.

    Written with the article's facts. It is what a reader's feed reads: the newest articles about
    one followed thing are a range of the index below, whatever the size of the archive.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=200, help_text="A ticker symbol, or a person's or topic's slug.")
    published_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "kind", "key"], name="one_subject_per_article")]
        indexes = [models.Index(fields=["kind", "key", "-published_at", "-article"], name="subject_newest")]

    def __str__(self):
        return f"{self.article_id} is about {self.kind} {self.key}"


# The fact kinds a reader can follow, and the field of a fact that names the thing followed.
SUBJECT_KINDS = {Fact.TICKER: "key", Fact.PERSON: "slug", Fact.TOPIC: "slug"}


# A ticker or person becomes something the article is about (what followers are told of, and what
# their feeds list) only at this confidence or more: bench/enrich.py's calibration table shows people
# and tickers from 0.7 right 87% and 92% of the time on the development labels, and those below it
# 56%. Weaker ones stay facts of the article (its chips) and never notify anyone.
SUBJECT_CONFIDENCE = 0.7


def subjects_of(article, facts) -> list[Subject]:
    """The Subject rows of an article with these facts: one per followed kind and key."""
    seen = {(f.kind, getattr(f, SUBJECT_KINDS[f.kind])) for f in facts if f.kind in SUBJECT_KINDS
            and (f.kind == Fact.TOPIC or f.confidence >= SUBJECT_CONFIDENCE)}
    return [Subject(article=article, kind=kind, key=key, published_at=article.published_at)
            for kind, key in sorted(seen) if key]


class NameRule(models.Model):
    """What some words are on this site, whatever the extractors think: "Everden Retail" is an
    organisation (the demo's invented company), "The Crown" is nothing to tag (a TV series, never
    Crown Holdings). Applied to every article at enrichment, so a rule survives re-enrichment."""

    PERSON, ORGANIZATION, PLACE, NOTHING = "person", "organization", "place", "nothing"
    KINDS = [(PERSON, "a person"), (ORGANIZATION, "an organisation"), (PLACE, "a place"),
             (NOTHING, "nothing to tag")]
    words = models.CharField(max_length=200, help_text="The words as articles write them, e.g. \"The Crown\".")
    key = models.CharField(max_length=200, unique=True, help_text="The words case-folded: what is matched.")
    kind = models.CharField(max_length=16, choices=KINDS)
    ticker = models.CharField(max_length=12, blank=True,
                              help_text="For an organisation: its symbol, or blank for no ticker.")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"\"{self.words}\" is {self.get_kind_display()}" + (f" (${self.ticker})" if self.ticker else "")

    def save(self, *args, **kwargs):
        """Save, and make the articles with these words stale: workers re-enrich them in the background
        (version 0 is older than any; followers are not told of them again). One scan of the bodies a
        rule: rules are rare."""
        self.key = " ".join(self.words.split()).casefold()
        super().save(*args, **kwargs)
        Enrichment.objects.filter(article__body_text__icontains=self.words).update(version=0)

    def clean(self):
        problem = self.problem(self.words)
        if problem:
            raise ValidationError({"words": problem})

    @staticmethod
    def problem(words: str) -> str:
        """Why these words cannot be a rule ("" when they can): a rule is about a name, and one that
        would match almost every article ("the", "Inc") would rewrite the whole archive."""
        from parley.enrichment.language import ENGLISH_WORDS

        letters = [c for c in words if c.isalnum()]
        if len(letters) < 2 or not any(c.isupper() or c.isdigit() for c in words):
            return f"\"{words}\" is not a name: a rule needs a capitalised name of two letters or more."
        if " ".join(words.split()).casefold() in ENGLISH_WORDS | {"inc", "corp", "co", "ltd", "news", "said"}:
            return f"\"{words}\" would match almost every article; a rule is for one name."
        return ""

    @classmethod
    def remember(cls, words: str, kind: str, ticker: str = "", reason: str = "") -> "NameRule":
        """Make (or change) the rule for these words; ValueError when they cannot be one."""
        problem = cls.problem(words)
        if problem:
            raise ValueError(problem)
        rule = cls.objects.filter(key=" ".join(words.split()).casefold()).first() or cls(words=words)
        rule.words, rule.kind, rule.ticker, rule.reason = words, kind, ticker, reason
        rule.save()
        return rule


class FactReport(models.Model):
    """A reader's report that something Parley says of an article is wrong. The fact is named by kind
    and key, not by row: facts are replaced when the article is enriched again, reports are not."""

    REASONS = [("not-a-person", "Not a person"), ("not-an-organization", "Not an organisation"),
               ("not-a-place", "Not a place"), ("wrong-company", "Wrong company or ticker"),
               ("wrong-speaker", "Wrong speaker"), ("other", "Something else")]
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fact_reports")
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    reason = models.CharField(max_length=24, choices=REASONS)
    note = models.CharField(max_length=500, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fact_reports")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "kind", "key", "reporter"], name="one_report_per_fact")]
        indexes = [models.Index(fields=["created_at"], condition=models.Q(resolved_at=None), name="factreport_open")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.kind} {self.key} on {self.article_id}"


class FactCorrection(models.Model):
    """A moderator's correction of one article's fact: removed, or of another kind. Applied every
    time the article is enriched, so it survives re-enrichment and version bumps."""

    REMOVE = "remove"
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fact_corrections")
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    becomes = models.CharField(max_length=16, help_text="'remove', or the kind the words are: person, organization, place.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "kind", "key"], name="one_correction_per_fact")]

    def __str__(self):
        return f"{self.kind} {self.key} on {self.article_id}: {self.becomes}"
