"""E-mail digests: per reader, daily or weekly, what their followed things published and the
notifications they chose to get by mail and have not read.

`parley digest` may run from cron on every machine at once: a reader's digest of a period is a
Digest row taken (unique per reader and period) before the mail is sent, so exactly one process
sends it. A failure is recorded on the row and retried by the next run; an empty digest is not sent.
"""
import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
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


@dataclass
class Run:
    sent: int = 0
    empty: int = 0
    taken_elsewhere: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)


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


def compose(user, prefs: Preferences, since: datetime) -> dict:
    """What one reader's digest holds since `since`: unread mail-kind notifications, as (text,
    absolute link) pairs, and feed items."""
    by_mail = [kind for kind, _ in Notification.KINDS if prefs.delivery(kind) == Preferences.EMAIL]
    notes = list(Notification.objects.filter(user=user, read_at__isnull=True, kind__in=by_mail, updated_at__gte=since)
                 .select_related("article", "actor").order_by("-updated_at")[:NOTIFICATIONS])
    lines = [(text, mail.absolute(target_url(note))) for note, text in zip(notes, describe_all(notes), strict=True)]
    # An article whose date nobody could read is never new, whenever it was found.
    feed = [row for row in my_feed(user, size=FEED_ITEMS, since=since).rows if not row.article.date_unknown]
    return {"notifications": lines, "feed": feed}


def send_due(now: datetime | None = None, limit: int | None = None) -> Run:
    """Send every digest that is due (and retry the recently failed ones); return the counts."""
    now = now or timezone.now()
    run = Run()
    retry = list(Digest.objects.filter(status=Digest.FAILED, created_at__gte=now - RETRY_WINDOW)
                 .values_list("pk", flat=True))
    for pk in retry:
        if leases.swap(Digest.objects.filter(pk=pk), {"status": Digest.FAILED}, {"status": Digest.PENDING, "error": ""}):
            digest = Digest.objects.select_related("user", "user__profile").get(pk=pk)
            _deliver(digest, now, run)
    # A claim whose process died between taking the row and sending stays pending: after the lease
    # it is taken again, by one run only (the claim time is the condition of the update).
    stale = list(Digest.objects.filter(status=Digest.PENDING, created_at__lt=now - CLAIM_LEASE,
                                       created_at__gte=now - RETRY_WINDOW).values_list("pk", "created_at"))
    for pk, claimed in stale:
        if leases.swap(Digest.objects.filter(pk=pk), {"status": Digest.PENDING, "created_at": claimed}, {"created_at": now}):
            digest = Digest.objects.select_related("user", "user__profile").get(pk=pk)
            _deliver(digest, now, run)
    for n, user in enumerate(_in_batches(due(now))):
        if limit is not None and n >= limit:
            break
        if not user.profile.email_verified:
            continue
        prefs = getattr(user, "preferences", None) or Preferences.objects.get_or_create(user=user)[0]
        key, next_start = period_of(prefs.digest, now, _zone(user))
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, period=key)
        except IntegrityError:
            run.taken_elsewhere += 1
            Preferences.objects.filter(pk=prefs.pk).update(next_digest_at=next_start)
            continue
        Preferences.objects.filter(pk=prefs.pk).update(next_digest_at=next_start)
        _deliver(digest, now, run, prefs)
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


def _deliver(digest: Digest, now: datetime, run: Run, prefs: Preferences | None = None) -> None:
    user = digest.user
    prefs = prefs or Preferences.objects.get_or_create(user=user)[0]
    last = (Digest.objects.filter(user=user, status__in=[Digest.SENT, Digest.EMPTY]).exclude(pk=digest.pk)
            .order_by("-created_at").values_list("created_at", flat=True).first())
    since = max(last or now - PERIOD.get(prefs.digest, PERIOD[Preferences.WEEKLY]), now - timedelta(days=14))
    try:
        found = compose(user, prefs, since)
        items = len(found["notifications"]) + len(found["feed"])
        if not items:
            Digest.objects.filter(pk=digest.pk).update(status=Digest.EMPTY, sent_at=now)
            run.empty += 1
            return
        period = "today" if digest.period.startswith("d") else "this week"
        sent = mail.send(user, f"Your digest: {items} new for you {period}", "digest",
                         {**found, "period": period, "since": since})
        Digest.objects.filter(pk=digest.pk).update(status=Digest.SENT if sent else Digest.EMPTY, sent_at=now,
                                                   items=items)
        run.sent += sent
        run.empty += not sent
    except Exception as exc:  # the mail server refused, a template broke: recorded, retried next run
        log.exception("digest %s for %s failed", digest.period, user.pk)
        Digest.objects.filter(pk=digest.pk).update(status=Digest.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        run.failed += 1
        run.errors.append(f"{user.username}: {exc}")
