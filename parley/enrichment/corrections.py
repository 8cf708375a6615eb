"""Readers correct what Parley says of an article; moderators decide.

A signed-in reader reports a fact ("not a person", "wrong company"). A moderator then removes it
from the article, says what the words are instead, makes a site rule of it (these words are never
tagged, anywhere), or keeps it. A decision is stored (FactCorrection, NameRule), applied at once and
at every later enrichment of the article, written to the public moderation log, and takes back the
unread "new article about ..." notifications the fact caused (`fact_withdrawn`, which following
answers).
"""
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from parley.accounts.ratelimit import Limit, check_all
from parley.discussion.models import ModerationAction
from parley.discussion.services import DiscussionError, NotAllowed, is_moderator
from parley.enrichment.extractors import Found
from parley.enrichment.models import (
    SUBJECT_KINDS,
    Fact,
    FactCorrection,
    FactReport,
    NameRule,
    Subject,
    slug_of,
)

# Sent when a ticker or person stops being something an article is about: (article, kind, key).
fact_withdrawn = Signal()
REPORT_LIMITS = [Limit(10, 600, "10 fact reports per 10 minutes"), Limit(50, 86400, "50 fact reports a day")]
REPORTABLE = ("person", "organization", "place", "ticker", "quote")
RETYPES = ("person", "organization", "place")


class CorrectionError(DiscussionError):
    """A report or correction that cannot be made, with the reason to show."""


def report_fact(user, article, kind: str, key: str, reason: str, note: str = "") -> FactReport:
    """Record a reader's report that a fact of an article is wrong (once per reader and fact)."""
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed("Sign in to report a fact.")
    if reason not in dict(FactReport.REASONS):
        raise CorrectionError("Choose why the fact is wrong.")
    if kind not in REPORTABLE or not Fact.objects.filter(article=article, kind=kind, key=key).exists():
        raise CorrectionError("This article has no such fact (it may have been corrected already).")
    check_all([(f"fact-report-{n}", str(user.pk), limit) for n, limit in enumerate(REPORT_LIMITS)])
    report, created = FactReport.objects.get_or_create(
        article=article, kind=kind, key=key, reporter=user, resolved_at=None,
        defaults={"reason": reason, "note": note.strip()[:500]})
    if not created:
        raise CorrectionError("You have reported this fact already; the moderators will look at it.")
    return report


def apply_corrections(found: list[Found], corrections) -> list[Found]:
    """The facts with an article's corrections applied: removed, or of the kind a moderator said;
    a ticker read from words that were an organisation goes with them."""
    if not corrections:
        return found
    decided = {(c.kind, c.key): c.becomes for c in corrections}
    out, gone = [], set()
    for fact in found:
        becomes = decided.get((fact.kind, fact.key))
        if becomes is None:
            out.append(fact)
            continue
        if fact.kind == "organization":
            gone.add((fact.start, fact.end))
        if becomes != FactCorrection.REMOVE:
            out.append(Found(becomes, fact.key, fact.text, fact.start, fact.end, {"evidence": "moderator"}, 1.0))
    return [f for f in out if not (f.kind == "ticker" and (f.start, f.end) in gone)]


def _moderator(user, reason: str) -> str:
    if not is_moderator(user):
        raise NotAllowed("Only moderators can correct facts.")
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError("Give a reason: it is shown in the public moderation log.")
    return reason[:1000]


def _lock(article) -> None:
    """Take the article's row lock, as recording its enrichment does: the two never interleave."""
    list(type(article).objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))


def _withdraw(article, kind: str, key: str) -> None:
    """Drop the fact's rows now (the next enrichment applies the stored decision again), its subject,
    and tell whoever answers fact_withdrawn."""
    facts = Fact.objects.filter(article=article, kind=kind, key=key)
    if kind in SUBJECT_KINDS:
        subject_key = key if SUBJECT_KINDS[kind] == "key" else slug_of(key)
        Subject.objects.filter(article=article, kind=kind, key=subject_key).delete()
        fact_withdrawn.send(sender=Fact, article=article, kind=kind, key=subject_key)
    spans = list(facts.values_list("start", "end"))
    facts.delete()
    if kind == "organization" and spans:  # a ticker read from the same words goes too
        for start, end in spans:
            for ticker in Fact.objects.filter(article=article, kind="ticker", start=start, end=end):
                _withdraw(article, "ticker", ticker.key)


def _close(report: FactReport, moderator, action: str, detail: str, reason: str) -> None:
    now = timezone.now()
    FactReport.objects.filter(article=report.article, kind=report.kind, key=report.key, resolved_at=None).update(
        resolved_at=now, resolution=detail[:200])
    ModerationAction.objects.create(moderator=moderator, action=action, article=report.article,
                                    detail=detail[:300], reason=reason)


def correct_fact(moderator, report: FactReport, becomes: str, reason: str) -> FactCorrection:
    """Remove a reported fact from its article ("remove"), or say what its words are instead."""
    reason = _moderator(moderator, reason)
    if becomes != FactCorrection.REMOVE and becomes not in RETYPES:
        raise CorrectionError("Choose: remove it, or a person, an organisation or a place.")
    with transaction.atomic():
        _lock(report.article)
        correction, _ = FactCorrection.objects.update_or_create(
            article=report.article, kind=report.kind, key=report.key, defaults={"becomes": becomes})
        facts = list(Fact.objects.filter(article=report.article, kind=report.kind, key=report.key))
        _withdraw(report.article, report.kind, report.key)
        if becomes != FactCorrection.REMOVE:
            Fact.objects.bulk_create([Fact(article=f.article, kind=becomes, key=f.key, slug=slug_of(f.key), text=f.text,
                                           value={"evidence": "moderator"}, start=f.start, end=f.end, confidence=1.0)
                                      for f in facts])
        words = "removed" if becomes == FactCorrection.REMOVE else f"is {'an' if becomes[0] in 'aeiou' else 'a'} {becomes}"
        _close(report, moderator, ModerationAction.CORRECT_FACT, f"{report.kind} {report.key}: {words}", reason)
    return correction


def never_tag(moderator, report: FactReport, reason: str) -> NameRule:
    """Make a site rule from a report: the fact's words are never tagged, on any article."""
    reason = _moderator(moderator, reason)
    words = Fact.objects.filter(article=report.article, kind=report.kind, key=report.key).values_list(
        "text", flat=True).first() or report.key
    if NameRule.problem(words):
        raise CorrectionError(NameRule.problem(words) + " Remove it from this article instead.")
    with transaction.atomic():
        _lock(report.article)
        rule = NameRule.remember(words, NameRule.NOTHING, reason=reason[:300])
        _withdraw(report.article, report.kind, report.key)
        FactCorrection.objects.update_or_create(article=report.article, kind=report.kind, key=report.key,
                                                defaults={"becomes": FactCorrection.REMOVE})
        _close(report, moderator, ModerationAction.CORRECT_FACT, f"\"{words}\" is never tagged, on any article", reason)
    return rule


def keep_fact(moderator, report: FactReport, reason: str) -> None:
    """Close the reports on a fact that is right."""
    reason = _moderator(moderator, reason)
    _close(report, moderator, ModerationAction.DISMISS_REPORT, f"{report.kind} {report.key}: kept", reason)
