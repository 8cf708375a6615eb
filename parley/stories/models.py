"""A story and its articles, each membership with the evidence that put it there."""
from django.conf import settings
from django.db import models
from django.urls import reverse

from parley.articles.models import Article


class Story(models.Model):
    """One event's coverage. Its headline and "first reported" are its earliest article's."""

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200)
    first_article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="+")
    first_reported_at = models.DateTimeField()
    last_article_at = models.DateTimeField(db_index=True)
    article_count = models.PositiveIntegerField(default=1)
    outlet_count = models.PositiveIntegerField(default=1, help_text="How many outlets reported it.")
    version = models.PositiveIntegerField(default=0, help_text="Moves with every change of its articles: "
                                                               "its discussion's cached thread follows it.")
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    help_text="Set when a moderator merged it: its address leads there.")

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("story", args=[self.pk, self.slug or "story"])


class Membership(models.Model):
    """An article's place in a story: one story per article, with why it was put there."""

    AUTO, MODERATOR = "auto", "moderator"
    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="membership")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")
    evidence = models.JSONField(default=dict, blank=True,
                                help_text="Why it joined: the article it matched, the rule, text similarity, "
                                          "shared names and figures, hours apart; empty for the story's first article.")
    syndicated = models.BooleanField(default=False, help_text="A copy of another member's text (a wire story).")
    listed = models.BooleanField(default=True, help_text="The member listings show for the story: its newest. "
                                                         "Listings show a story once, not once per outlet.")
    joined_at = models.DateTimeField(auto_now_add=True)
    placed_by = models.CharField(max_length=16, default=AUTO)
    content_hash = models.CharField(max_length=64, blank=True, help_text="The article's content hash when placed: "
                                    "a corrected article is placed again.")
    split_from = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text="The story a moderator split it out of: placing never puts it back.")

    class Meta:
        indexes = [models.Index(fields=["story", "article"], name="membership_story")]

    RULES = {"syndicated": "the same text (a copy of one wire story)",
             "event": "the same event told in like words",
             "people": "the same people, within two days, in like words",
             "figures": "the same figure or quote",
             "moderator": "put here by a moderator"}

    def __str__(self):
        return f"article {self.article_id} in story {self.story_id}"

    def why(self) -> str:
        """Why it is in the story, in words: "the same event told in like words; shared: $HD, Craig
        Menear, $1.4 billion; 3 hours apart; text 0.41 alike". Empty for the story's first article."""
        found = self.evidence or {}
        if not found.get("rule"):
            return ""
        parts = [self.RULES.get(found["rule"], found["rule"])]
        shared = [*found.get("shared_names", []), *found.get("shared_figures", [])]
        if shared:
            parts.append("shared: " + ", ".join(shared))
        if found.get("shared_quotes"):
            parts.append(f"{found['shared_quotes']} quote{'s' if found['shared_quotes'] > 1 else ''} in common")
        if "hours_apart" in found:
            hours = found["hours_apart"]
            parts.append("under an hour apart" if hours < 1 else f"{hours:g} hour{'s' if hours != 1 else ''} apart")
        if "text" in found:
            parts.append(f"words {found['text']:.2f} alike")
        return "; ".join(parts)


class StoryChange(models.Model):
    """A moderator's merge, split or undo, with what it moved: what undoing it needs. The public
    moderation log (discussion.ModerationAction) has the same entry in words."""

    MERGE, SPLIT, UNDO, LEFT = "merge", "split", "undo", "left"
    KINDS = [(MERGE, "merged two stories"), (SPLIT, "split an article out"), (UNDO, "undid a change"),
             (LEFT, "saw a corrected article leave")]
    kind = models.CharField(max_length=8, choices=KINDS)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="Empty for Parley's own change (a corrected article left).")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+", help_text="Where the articles went.")
    other = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+", help_text="Where they came from.")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moved = models.JSONField(default=list, help_text="The ids of the articles it moved.")
    placed = models.JSONField(default=dict, blank=True, help_text="A split: how the article had been placed "
                              "(evidence, placed_by, syndicated), which undoing it puts back.")
    reason = models.TextField()
    undone_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.other_id} -> {self.story_id})"


class Pending(models.Model):
    """An article enriched (again) and not yet placed as it is now: the stories job's queue, so
    placing costs what is new, never a scan of the archive."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(help_text="Moves when it is enriched again while queued: that run is "
                                               "placed too.")

    def __str__(self):
        return f"article {self.article_id}, queued {self.queued_at:%Y-%m-%d %H:%M:%S}"
