"""E-mail digests: per reader, daily or weekly, what their followed things published and the
notifications they chose to get by mail and have not read. Each item says where it is from, when,
and its first line, so a reader can tell from the mail which ones to open.

`parley digest` may run from cron on every machine at once: a reader's digest of a period is a
Digest row taken (unique per reader and period) before the mail is sent, so exactly one process
sends it. The row names the run that took it (the worker's job or the command, on which machine),
so a run that finds nothing left to send can say who sent it and when. A failure is recorded on
the row and retried by the next run; an empty digest is not sent. `preview()` makes one reader's
digest as a run would now, and sends and marks nothing (`parley digest --dry-run --to NAME`).
"""
import logging
import os
import re
import socket
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from html import unescape

from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from parley.accounts import mail
from parley.core import leases
from parley.following.feed import my_feed
from parley.following.inbox import describe_all, target_url
from parley.following.models import Digest, Notification, Preferences

log = logging.getLogger("parley.following")
FEED_ITEMS = 10
NOTIFICATIONS = 20
RETRY_WINDOW = timedelta(days=2)
# A digest is sent within seconds (mail has a 10 s deadline); one still pending after this was
# claimed by a process that died before sending, and is taken again.
CLAIM_LEASE = timedelta(minutes=30)
PERIOD = {Preferences.DAILY: timedelta(days=1), Preferences.WEEKLY: timedelta(days=7)}
DIGEST_HOUR = 7  # the next digest is due from 07:00 in the reader's time zone (Monday's, for weekly ones)
LEAD_CHARS = 160  # an item's lead: one line of a mail window, about two dozen words
WORKER, COMMAND = "worker", "command"  # who runs send_due: the worker's job, or `parley digest`


@dataclass
class Run:
    sent: int = 0
    empty: int = 0
    taken_elsewhere: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)
    elsewhere: list = field(default_factory=list)  # the Digest rows another run had taken (user loaded)
    done: list = field(default_factory=list)  # one line per digest this run handled (`parley digest -v 2`)


@dataclass
class Item:
    """One entry of a digest: what it is, where it leads, and what a reader needs to choose to open it."""

    title: str
    link: str  # absolute
    outlet: str = ""
    when: str = ""  # in the reader's time zone
    lead: str = ""  # one line
    why: str = ""  # "you follow $BA, Boeing"


def runner(by: str) -> str:
    """How a Digest row names the run taking it: "the worker on web-1 (pid 812)"."""
    who = "the worker" if by == WORKER else "`parley digest`"
    return f"{who} on {socket.gethostname()} (pid {os.getpid()})"[:200]


def one_line(text: str, limit: int = LEAD_CHARS) -> str:
    """The text on one line, cut at a word boundary before `limit` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def local_time(at: datetime, zone) -> str:
    """A moment as a reader reads it in a mail: "Fri 28 Nov, 14:05 CET" in their zone."""
    local = at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {local.tzname()}"


def _comment_line(comment) -> str:
    """A comment's first words, from its sanitised HTML; nothing of one since deleted or hidden."""
    if comment is None or comment.is_deleted or comment.is_hidden:
        return ""
    return one_line(unescape(re.sub(r"<[^>]*>", " ", comment.body_html)))


def _article_line(article) -> str:
    """An article named with its lead: "“Boeing wins an order” Boeing said on Tuesday …"."""
    return one_line(f"“{article.title}” {article.lead}")


def _zone(user):
    name = getattr(getattr(user, "profile", None), "time_zone", "")
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def period_of(choice: str, now: datetime, zone) -> tuple[str, datetime]:
    """The name of the period `now` falls in, in the reader's zone, and when the next one starts."""
    day = now.astimezone(zone).date()
    if choice == Preferences.DAILY:
        start = day
        key = f"d{day.isoformat()}"
    else:
        start = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        key = f"w{year}-W{week:02d}"
    following = datetime.combine(start + PERIOD[choice], time(DIGEST_HOUR), tzinfo=zone)
    return key, following


def due(now: datetime):
    """Readers whose digest is due: active, with a verified address, digest not off, time come."""
    prefs_due = (Q(preferences__isnull=True) | Q(preferences__next_digest_at__isnull=True)
                 | Q(preferences__next_digest_at__lte=now))
    return (User.objects.filter(prefs_due, is_active=True, profile__verified_email__gt="")
            .exclude(preferences__digest=Preferences.NEVER).select_related("profile", "preferences").order_by("pk"))


def compose(user, prefs: Preferences, since: datetime, zone=None) -> dict:
    """What one reader's digest holds since `since`: unread mail-kind notifications and feed items,
    as Items whose times are in the reader's zone."""
    zone = zone or _zone(user)
    by_mail = [kind for kind, _ in Notification.KINDS if prefs.delivery(kind) == Preferences.EMAIL]
    notes = list(Notification.objects.filter(user=user, read_at__isnull=True, kind__in=by_mail, updated_at__gte=since)
                 .select_related("article", "article__outlet", "actor", "comment").order_by("-updated_at")
                 [:NOTIFICATIONS])
    lines = []
    for note, text in zip(notes, describe_all(notes), strict=True):
        article = note.article if note.article_id else None
        if note.kind in (Notification.REPLY, Notification.MENTION, Notification.DISCUSSION):
            lead = _comment_line(note.comment if note.comment_id else None)
        else:
            lead = _article_line(article) if article else ""
        lines.append(Item(text, mail.absolute(target_url(note)),
                          outlet=article.outlet.name if article and article.outlet_id else "",
                          when=local_time(note.updated_at, zone), lead=lead))
    # An article whose date nobody could read is never new, whenever it was found.
    feed = [Item(row.article.title, mail.absolute(row.article.get_absolute_url()),
                 outlet=row.article.outlet.name if row.article.outlet_id else "",
                 when=local_time(row.article.published_at, zone), lead=one_line(row.article.lead),
                 why=", ".join(label for _kind, _key, label in row.reasons))
            for row in my_feed(user, size=FEED_ITEMS, since=since).rows if not row.article.date_unknown]
    return {"notifications": lines, "feed": feed}


def _since(user, prefs: Preferences, now: datetime, exclude: int | None = None) -> datetime:
    """Where a digest made now starts: the last one sent (or found empty), at most two weeks back."""
    last = (Digest.objects.filter(user=user, status__in=[Digest.SENT, Digest.EMPTY]).exclude(pk=exclude)
            .order_by("-created_at").values_list("created_at", flat=True).first())
    return max(last or now - PERIOD.get(prefs.digest, PERIOD[Preferences.WEEKLY]), now - timedelta(days=14))


def _mail(found: dict, period: str, since: datetime) -> tuple[int, str, dict]:
    """(items, subject, template context) of a digest holding `found`, of period key `period`."""
    items = len(found["notifications"]) + len(found["feed"])
    when = "today" if period.startswith("d") else "this week"
    return items, f"Your digest: {items} new for you {when}", {**found, "period": when, "since": since}


def period_words(key: str) -> str:
    """A period key in words: "d2026-11-28" is "the daily digest of 2026-11-28"."""
    if key.startswith("d"):
        return f"the daily digest of {key[1:]}"
    year, _, week = key[1:].partition("-W")
    return f"the weekly digest of week {week.lstrip('0')}, {year}"


def send_due(now: datetime | None = None, limit: int | None = None, by: str = WORKER) -> Run:
    """Send every digest that is due (and retry the recently failed ones); return the counts. `by`
    (WORKER or COMMAND) is recorded on each digest taken, with this machine and process."""
    now = now or timezone.now()
    run, me = Run(), runner(by)
    retry = list(Digest.objects.filter(status=Digest.FAILED, created_at__gte=now - RETRY_WINDOW)
                 .values_list("pk", flat=True))
    for pk in retry:
        if leases.swap(Digest.objects.filter(pk=pk), {"status": Digest.FAILED},
                       {"status": Digest.PENDING, "error": "", "sent_by": me}):
            digest = Digest.objects.select_related("user", "user__profile").get(pk=pk)
            _deliver(digest, now, run, me)
    # A claim whose process died between taking the row and sending stays pending: after the lease
    # it is taken again, by one run only (the claim time is the condition of the update).
    stale = list(Digest.objects.filter(status=Digest.PENDING, created_at__lt=now - CLAIM_LEASE,
                                       created_at__gte=now - RETRY_WINDOW).values_list("pk", "created_at"))
    for pk, claimed in stale:
        if leases.swap(Digest.objects.filter(pk=pk), {"status": Digest.PENDING, "created_at": claimed},
                       {"created_at": now, "sent_by": me}):
            digest = Digest.objects.select_related("user", "user__profile").get(pk=pk)
            _deliver(digest, now, run, me)
    for n, user in enumerate(_in_batches(due(now))):
        if limit is not None and n >= limit:
            break
        if not user.profile.email_verified:
            continue
        prefs = getattr(user, "preferences", None) or Preferences.objects.get_or_create(user=user)[0]
        key, next_start = period_of(prefs.digest, now, _zone(user))
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, period=key, sent_by=me)
        except IntegrityError:
            run.taken_elsewhere += 1
            run.elsewhere += list(Digest.objects.filter(user=user, period=key).select_related("user"))
            Preferences.objects.filter(pk=prefs.pk).update(next_digest_at=next_start)
            continue
        Preferences.objects.filter(pk=prefs.pk).update(next_digest_at=next_start)
        _deliver(digest, now, run, me, prefs)
    return run


def _in_batches(readers, size: int = 200):
    """The readers, a batch at a time, with no query left open between batches. On SQLite an open
    cursor keeps its read snapshot, and a connection holding an old snapshot cannot start writing
    once another process has written ("database is locked" at once, whatever the timeout)."""
    last = 0
    while True:
        batch = list(readers.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def _deliver(digest: Digest, now: datetime, run: Run, me: str, prefs: Preferences | None = None) -> None:
    user = digest.user
    prefs = prefs or Preferences.objects.get_or_create(user=user)[0]
    since = _since(user, prefs, now, exclude=digest.pk)
    try:
        items, subject, context = _mail(compose(user, prefs, since), digest.period, since)
        if not items:
            Digest.objects.filter(pk=digest.pk).update(status=Digest.EMPTY, sent_at=now, sent_by=me)
            run.empty += 1
            run.done.append(f"{user.username}: {period_words(digest.period)} had nothing new")
            return
        sent = mail.send(user, subject, "digest", context)
        Digest.objects.filter(pk=digest.pk).update(status=Digest.SENT if sent else Digest.EMPTY, sent_at=now,
                                                   items=items, sent_by=me)
        run.sent += sent
        run.empty += not sent
        run.done.append(f"{user.username}: {period_words(digest.period)} "
                        + (f"sent, {items} item{'s' if items != 1 else ''}" if sent else "not sent (no address)"))
    except Exception as exc:  # the mail server refused, a template broke: recorded, retried next run
        log.exception("digest %s for %s failed", digest.period, user.pk)
        Digest.objects.filter(pk=digest.pk).update(status=Digest.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
                                                   sent_by=me)
        run.failed += 1
        run.errors.append(f"{user.username}: {exc}")


# -- what the command says -----------------------------------------------------------------

@dataclass
class Preview:
    """One reader's digest as a run would make it now, unsent: the mail (None when nothing is new),
    and what stands in its way."""

    user: User
    message: EmailMultiAlternatives | None
    items: int
    since: datetime
    period: str  # the key of the period now falls in
    refused: str  # why no run would send this reader a digest ("" when nothing stands in the way)
    taken: Digest | None  # this period's digest, when a run has taken it
    next_at: datetime | None  # when it is next due (None: now)


def refusal(user, prefs: Preferences) -> str:
    """Why no digest goes to this reader at all, in words; "" when nothing stands in the way."""
    profile = getattr(user, "profile", None)
    if not user.is_active:
        return "the account is not active"
    if not user.email:
        return "the reader has no e-mail address"
    if profile is None or not profile.email_verified:
        return f"the reader has not confirmed {mail.mask(user.email)}"
    if prefs.digest == Preferences.NEVER:
        return "the reader turned digests off"
    return ""


def preview(user, now: datetime | None = None) -> Preview:
    """The digest a run would send this reader now (reads only: nothing is sent, taken or moved)."""
    now = now or timezone.now()
    prefs = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    choice = prefs.digest if prefs.digest in PERIOD else Preferences.WEEKLY
    zone = _zone(user)
    key, _ = period_of(choice, now, zone)
    since = _since(user, prefs, now)
    items, subject, context = _mail(compose(user, prefs, since, zone), key, since)
    message = mail.message_to(user, subject, "digest", context) if items else None
    taken = Digest.objects.filter(user=user, period=key).first()
    due_at = prefs.next_digest_at if prefs.pk else None
    return Preview(user, message, items, since, key, refusal(user, prefs), taken,
                   due_at if due_at and due_at > now else None)


def recent_senders(now: datetime, within: timedelta = timedelta(days=1)) -> list[dict]:
    """Which runs sent digests lately, latest first: {sent_by, sent, empty, latest}."""
    return list(Digest.objects.filter(status__in=[Digest.SENT, Digest.EMPTY], sent_at__gte=now - within)
                .values("sent_by").annotate(sent=Count("id", filter=Q(status=Digest.SENT)),
                                            empty=Count("id", filter=Q(status=Digest.EMPTY)), latest=Max("sent_at"))
                .order_by("-latest"))


def last_sent() -> Digest | None:
    """The digest sent most recently, or found to have nothing new."""
    return (Digest.objects.filter(status__in=[Digest.SENT, Digest.EMPTY], sent_at__isnull=False)
            .order_by("-sent_at").first())


def next_due(now: datetime) -> datetime | None:
    """When the next digest falls due, of the readers who get any (None: none is waiting)."""
    return (Preferences.objects.filter(user__is_active=True, user__profile__verified_email__gt="",
                                       next_digest_at__gt=now).exclude(digest=Preferences.NEVER)
            .aggregate(at=Min("next_digest_at"))["at"])
