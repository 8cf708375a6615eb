"""Moderators merge stories and split articles out of them; every change is logged publicly with its
reason and can be undone.

Nothing is lost: comments and votes stay on the article they were written on, so a merge joins two
discussions (ordered by time, as every thread is) and a split takes the article's comments with it.
A merged story keeps its row and address, which then leads to the story it was merged into; article
addresses never change. A split article remembers the story it left, and placing never puts it back.
"""
from django.db import transaction
from django.db.models import Count

from parley.articles.models import Article
from parley.discussion.models import ModerationAction
from parley.discussion.ranking import refresh_heat
from parley.discussion.services import DiscussionError, NotAllowed, is_moderator
from parley.stories.models import Membership, Story, StoryChange
from parley.stories.queries import comments_in
from parley.stories.signals import story_merged


class StoryError(DiscussionError):
    """A merge, split or undo that cannot be done, with the reason shown to the moderator."""


def _checked(moderator, reason: str) -> str:
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can merge and split stories.")
    reason = (reason or "").strip()
    if not reason:
        raise StoryError("Give a reason: it is shown in the public moderation log.")
    return reason[:1000]


def refresh(story: Story) -> Story:
    """Recount a story from its articles: counts, first report (and so its headline), latest report,
    the one article listings show, and its version (its discussion's cached thread follows it)."""
    rows = list(Article.objects.filter(membership__story=story).order_by("published_at", "pk")
                .values_list("pk", "published_at", "title", "slug"))
    if not rows:
        Story.objects.filter(pk=story.pk).update(article_count=0, version=story.version + 1)
        story.refresh_from_db()
        return story
    first, last = rows[0], rows[-1]
    Membership.objects.filter(story=story).exclude(article_id=last[0]).update(listed=False)
    Membership.objects.filter(article_id=last[0]).update(listed=True)
    outlets = (Article.objects.filter(membership__story=story).exclude(outlet=None).aggregate(
        n=Count("outlet_id", distinct=True))["n"])
    Story.objects.filter(pk=story.pk).update(
        article_count=len(rows), outlet_count=max(outlets, 1), first_article_id=first[0], first_reported_at=first[1],
        title=first[2], slug=first[3], last_article_at=last[1], version=story.version + 1)
    story.refresh_from_db()
    rank_again(story)
    return story


def rank_again(story: Story) -> None:
    """After a story's articles changed: Most Discussed ranks its discussion as it is now."""
    if comments_in(story):
        refresh_heat(story.first_article_id)


def _log(moderator, kind: str, reason: str, detail: str, story: Story, **change) -> StoryChange:
    entry = StoryChange.objects.create(kind=kind, moderator=moderator, reason=reason, story=story, **change)
    ModerationAction.objects.create(moderator=moderator, action=ModerationAction.STORY, detail=detail[:300],
                                    link=story.get_absolute_url(), reason=reason)
    return entry


def _locked(*pks) -> list[Story]:
    """Lock stories in id order (two moderators merging a pair both ways cannot deadlock)."""
    found = {s.pk: s for s in Story.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    return [found[pk] for pk in pks]


@transaction.atomic
def merge(moderator, source: Story, into: Story, reason: str) -> StoryChange:
    """Move every article of `source` into `into`; `source`'s address then leads to `into`."""
    reason = _checked(moderator, reason)
    if source.pk == into.pk:
        raise StoryError("A story cannot be merged into itself.")
    source, into = _locked(source.pk, into.pk)
    if source.merged_into_id or not source.article_count:
        raise StoryError(f"Story {source.pk} was already merged into another story.")
    if into.merged_into_id or not into.article_count:
        raise StoryError(f"Story {into.pk} was merged into another story: merge into that one.")
    if Membership.objects.filter(story=into, split_from=source).exists() or \
            Membership.objects.filter(story=source, split_from=into).exists():
        raise StoryError("A moderator split one of these stories' articles off the other: undo that split instead, "
                         "so the log keeps why.")
    moved = list(Membership.objects.filter(story=source).values_list("article_id", flat=True))
    Membership.objects.filter(story=source).update(story=into)
    Story.objects.filter(pk=source.pk).update(merged_into=into)
    refresh(source)
    refresh(into)
    story_merged.send(sender=Story, source=source, into=into)
    return _log(moderator, StoryChange.MERGE, reason, f"merged story {source.pk} ({len(moved)} articles, "
                f"“{source.title}”) into story {into.pk} (“{into.title}”)", into, other=source, moved=moved)


@transaction.atomic
def split(moderator, article: Article, reason: str) -> StoryChange:
    """Take one article out of its story into a story of its own, with its comments."""
    reason = _checked(moderator, reason)
    membership = Membership.objects.select_related("story").filter(article=article).first()
    if membership is None or membership.story.article_count < 2:
        raise StoryError("This article is not part of a story with other articles: there is nothing to split.")
    (old,) = _locked(membership.story_id)
    placed = {"evidence": membership.evidence, "placed_by": membership.placed_by, "syndicated": membership.syndicated}
    alone = Story.objects.create(title=article.title, slug=article.slug, first_article=article,
                                 first_reported_at=article.published_at, last_article_at=article.published_at)
    Membership.objects.filter(article=article).update(
        story=alone, split_from=old, placed_by=Membership.MODERATOR, listed=True,
        evidence={"rule": "moderator", "split_from": old.pk})
    refresh(old)
    refresh(alone)
    return _log(moderator, StoryChange.SPLIT, reason, f"split “{article.title}” out of story {old.pk} (“{old.title}”)",
                alone, other=old, article=article, moved=[article.pk], placed=placed)


@transaction.atomic
def undo(moderator, change: StoryChange, reason: str) -> StoryChange:
    """Reverse a merge (its articles go back) or a split (the article goes back), and log it."""
    reason = _checked(moderator, reason)
    change = StoryChange.objects.select_for_update().get(pk=change.pk)
    if change.undone_by_id:
        raise StoryError("This change was already undone.")
    if change.kind not in (StoryChange.MERGE, StoryChange.SPLIT):
        raise StoryError("An undo is reversed by doing the change again.")
    # A merge and a split both logged the story the articles went to and the one they came from.
    now_in, back_to = _locked(change.story_id, change.other_id)
    if back_to.merged_into_id and back_to.merged_into_id != now_in.pk:
        raise StoryError(f"Story {back_to.pk} was merged again since: undo that first.")
    moving = Membership.objects.filter(story=now_in, article_id__in=change.moved)
    if not moving.exists():
        raise StoryError("Its articles have moved since (another merge or split): undo that first.")
    if change.kind == StoryChange.MERGE:
        moving.update(story=back_to)
        Story.objects.filter(pk=back_to.pk).update(merged_into=None)
        detail = f"undid the merge of story {back_to.pk} into story {now_in.pk}"
    else:
        # Back as it had been placed, its evidence with it.
        before = change.placed or {"evidence": {"rule": "moderator"}, "placed_by": Membership.MODERATOR,
                                   "syndicated": False}
        moving.update(story=back_to, split_from=None, **before)
        Story.objects.filter(pk=now_in.pk).update(merged_into=back_to)  # the split-off story's address leads back
        detail = f"put “{change.article.title if change.article else 'an article'}” back into story {back_to.pk}"
    refresh(now_in)
    refresh(back_to)
    entry = _log(moderator, StoryChange.UNDO, reason, detail, back_to, other=now_in, moved=list(change.moved))
    StoryChange.objects.filter(pk=change.pk).update(undone_by=entry)
    return entry
