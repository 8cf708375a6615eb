"""Gathering from sources: `add_source()`, `ingest_source()`, and the claims workers take.

A check fetches everything it needs first (the feed, full-text pages), then stores all of its
entries, the source's new state and its log line in one transaction: a worker killed half-way
leaves each source either checked or not, never half-stored. Its claim lapses after
PARLEY_WORKER_LEASE_SECONDS and another worker, or the same one restarted, carries on.
"""
import logging
import os
import socket
import statistics
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from urllib.parse import urljoin

import lxml.html
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.articles.cleaning import normalize_url, sha256
from parley.articles.services import (
    IMPORTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ArticleDraft,
    ArticleRejected,
    clean_drafts,
    store_articles,
)
from parley.core import leases
from parley.sources.fetch import Fetched, FetchError, fetch
from parley.sources.models import FetchLog, Source, SourceArticle
from parley.sources.readers import Unreadable
from parley.sources.readers.decoding import decode_document
from parley.sources.readers.feeds import looks_like_feed, read_feed
from parley.sources.readers.htmlpage import read_html_page

log = logging.getLogger("parley.sources")

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(hours=24)
DEFAULT_INTERVAL = timedelta(hours=1)
PAUSE_AFTER_FAILURES = 10
LOG_RETENTION = 100  # fetch log rows kept per source
SUMMARY_ONLY_CHARS = 1000  # an entry shorter than this carries a summary, not the article
MIN_FULL_TEXT_CHARS = 200  # extraction shorter than this is a block page or a paywall
# What a page's <link rel="alternate"> may name as its feed. Plain application/json is not one:
# sites announce oEmbed and REST API documents with it.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml",
              "application/x.atom+xml", "application/x-atom+xml", "application/x-rss+xml")


class SourceError(ValueError):
    """A source that cannot be added, with the reason in plain words."""


def discover_feeds(html: str, base: str) -> list[str]:
    """Return every RSS, Atom and JSON feed a page announces with <link rel="alternate">, in page order, made absolute."""
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = urljoin(base, (root.xpath("//base/@href") or [""])[0].strip())
    found = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return found


def add_source(url: str, name: str = "", interval: int | None = None, full_text: bool = False) -> Source:
    """Add a feed, a site whose home page announces one, or a single article page."""
    url = url.strip()
    if Source.objects.filter(url=url).exists():
        raise SourceError(f"{url} is already a source")
    try:
        fetched = fetch(url)
    except FetchError as exc:
        raise SourceError(f"cannot add {url}: {exc}") from None
    kind, final = Source.FEED, fetched.url
    if not looks_like_feed(fetched.content):
        try:
            announced = discover_feeds(decode_document(fetched.content, fetched.charset), fetched.url)
        except Unreadable:
            announced = []
        problems = []
        for feed_url in announced:  # the first that answers with a feed wins
            try:
                feed = fetch(feed_url)
            except FetchError as exc:
                problems.append(f"{feed_url} cannot be fetched ({exc})")
                continue
            if looks_like_feed(feed.content):
                final = feed.url
                break
            problems.append(f"{feed_url} is not a feed")
        else:
            if problems:
                raise SourceError("the page announces feeds, but none works: " + "; ".join(problems))
            kind = Source.PAGE
            try:  # a page source is one article: a home page, a listing or an index is refused now
                read_html_page(decode_document(fetched.content, fetched.charset), timezone.now(), url=fetched.url)
            except Unreadable as exc:
                raise SourceError(f"cannot add {url}: it announces no feed, and the page is not an article "
                                  f"({str(exc).removeprefix('not an article: ')})") from None
    if Source.objects.filter(url=final).exists():
        raise SourceError(f"{final} is already a source")
    return Source.objects.create(url=final, kind=kind, name=name, interval=interval, full_text=full_text,
                                 next_check_at=timezone.now())


def claim_due(worker: str, limit: int = 10, now=None) -> list[Source]:
    """Claim up to `limit` due sources for one worker; no two workers ever hold the same source."""
    now = now or timezone.now()
    ids = leases.take(Source.objects.filter(paused=False, next_check_at__lte=now), "claimed_until",
                      settings.PARLEY_WORKER_LEASE_SECONDS, limit, order_by=("next_check_at",), now=now,
                      claimed_by=worker)
    return list(Source.objects.filter(id__in=ids).order_by("next_check_at"))


def publishing_interval(drafts: list[ArticleDraft]) -> timedelta:
    """Return half the median gap between the latest entries, kept between 5 minutes and 24 hours."""
    times = sorted((d.published_at for d in drafts if not d.date_inferred), reverse=True)[:11]
    gaps = [(a - b).total_seconds() for a, b in zip(times, times[1:], strict=False) if a > b]
    if not gaps:
        return DEFAULT_INTERVAL
    return min(MAX_INTERVAL, max(MIN_INTERVAL, timedelta(seconds=statistics.median(gaps) / 2)))


def with_full_text(draft: ArticleDraft, notes: list[str], max_bytes: int | None) -> ArticleDraft:
    """Return the draft with its page's main text when it carries only a summary; note why not otherwise."""
    summary_chars = len(" ".join(draft.text_paragraphs()))
    if summary_chars >= SUMMARY_ONLY_CHARS or not draft.url:
        return draft
    try:
        page = fetch(draft.url, max_bytes=max_bytes)
        extracted = read_html_page(decode_document(page.content, page.charset), draft.published_at, url=page.url,
                                   linked_as_article=True)
    except (FetchError, Unreadable) as exc:
        notes.append(f"{draft.url}: kept the summary ({exc})")
        return draft
    text_chars = len(" ".join(extracted.text_paragraphs()))
    if text_chars < MIN_FULL_TEXT_CHARS:
        notes.append(f"{draft.url}: kept the summary (the page gave {text_chars} characters: block page or paywall?)")
        return draft
    # The page's canonical URL (trafilatura reads <link rel="canonical">) beats the feed's link.
    return replace(draft, html=extracted.html, paragraphs=extracted.paragraphs,
                   byline=draft.byline or extracted.byline, url=extracted.url or draft.url)


def _store_entries(source: Source, drafts: list[ArticleDraft], notes: list[str], cleaned: list | None = None) -> dict:
    """Store a check's entries and remember that this source carried them; call inside a transaction.

    An entry this source sends exactly as it sent it last time is unchanged, whatever the article
    holds now: when two sources carry one URL with different words, each source's unchanged entry
    leaves the other's version alone instead of overwriting it on every check.
    """
    cleaned = cleaned if cleaned is not None else clean_drafts(drafts)
    keys = [sha256(d.entry_id or normalize_url(d.url) or d.title) for d in drafts]
    known = {m.entry_key: m for m in
             SourceArticle.objects.select_related("article").filter(source=source, entry_key__in=keys)}
    counts = {IMPORTED: 0, UPDATED: 0, UNCHANGED: 0, SKIPPED: 0}
    todo = []
    for key, draft, fields in zip(keys, drafts, cleaned, strict=True):
        seen = known.get(key)
        if seen is not None and isinstance(fields, dict) and seen.content_hash == fields["content_hash"]:
            counts[UNCHANGED] += 1
        else:
            todo.append((key, draft, fields))
    if not todo:
        return counts
    results = store_articles([d for _, d, _ in todo], [known[k].article if k in known else None for k, _, _ in todo],
                             [f for _, _, f in todo])
    carried, refreshed = [], []
    for (key, draft, fields), result in zip(todo, results, strict=True):
        if isinstance(result, ArticleRejected):
            notes.append(f"{draft.url or draft.title}: {result}")
            continue
        notes.extend(f"{draft.url or draft.title}: {note}" for note in result.notes)
        counts[result.status] += 1
        if result.article is None:
            continue
        if key in known:
            known[key].content_hash = fields["content_hash"]
            refreshed.append(known[key])
        else:
            carried.append(SourceArticle(source=source, entry_key=key, article=result.article,
                                         content_hash=fields["content_hash"]))
    SourceArticle.objects.bulk_create(carried, ignore_conflicts=True)
    SourceArticle.objects.bulk_update(refreshed, ["content_hash"])
    return counts


def _failed(source: Source, started, error: FetchError, notes: list[str] = ()) -> FetchLog:
    """Record a failed check: the reason, one more failure in a row, the next check backed off."""
    now = timezone.now()
    failures = source.consecutive_failures + 1
    base = timedelta(seconds=source.interval) if source.interval else MIN_INTERVAL
    wait = min(MAX_INTERVAL, base * 2 ** min(failures - 1, 20))
    if error.retry_after:
        wait = max(wait, timedelta(seconds=min(error.retry_after, MAX_INTERVAL.total_seconds())))
    paused = failures >= PAUSE_AFTER_FAILURES
    reason = str(error) + (f" (paused after {failures} consecutive failures)" if paused else "")
    Source.objects.filter(pk=source.pk).update(
        last_fetch_at=now, last_status=error.status, last_error=reason, consecutive_failures=failures,
        paused=paused, next_check_at=now + wait, claimed_by="", claimed_until=None)
    log.warning("source %s failed: %s", source.pk, reason)
    return _log(source, started, now, error.status, {}, reason, list(notes))


def _log(source, started, finished, status, counts, error, notes) -> FetchLog:
    entry = FetchLog.objects.create(source=source, started_at=started, finished_at=finished, status=status,
                                    new=counts.get(IMPORTED, 0), updated=counts.get(UPDATED, 0),
                                    unchanged=counts.get(UNCHANGED, 0), error=error, notes="\n".join(notes)[:20000])
    stale = FetchLog.objects.filter(source=source).order_by("-started_at", "-id").values_list("id", flat=True)[LOG_RETENTION:]
    FetchLog.objects.filter(id__in=list(stale)).delete()
    return entry


@dataclass
class Prepared:
    """What a check found before touching the database: the response, its drafts cleaned for
    storing (or the reason each was refused), notes for the log, or the error that ended it."""

    fetched: Fetched | None = None
    error: FetchError | None = None
    drafts: list[ArticleDraft] = field(default_factory=list)
    cleaned: list = field(default_factory=list)  # clean_draft()'s fields, or the ArticleRejected, per draft
    notes: list[str] = field(default_factory=list)


def prepare(source: Source, started) -> Prepared:
    """Fetch a source and read it into cleaned drafts: the network and the CPU-heavy half of a
    check, with no database access, so it can run in another process (see `checker.Checker`)."""
    try:
        fetched = fetch(source.url, etag=source.etag, last_modified=source.last_modified, max_bytes=source.max_bytes)
    except FetchError as exc:
        return Prepared(error=exc)
    prepared = Prepared(fetched=fetched)
    if fetched.not_modified:
        return prepared
    try:
        if source.kind == Source.FEED:
            items = read_feed(fetched.content, started, origin=source.url,
                              content_type=fetched.headers.get("content-type", ""))
        else:
            text = decode_document(fetched.content, fetched.charset)
            items = [read_html_page(text, started, origin=source.url, url=fetched.url)]
    except Unreadable as exc:
        prepared.error = FetchError(f"fetched but unreadable: {exc}", fetched.status)
        return prepared
    for item in items:
        if isinstance(item, Unreadable):
            prepared.notes.append(str(item))
            continue
        prepared.drafts.append(with_full_text(item, prepared.notes, source.max_bytes) if source.full_text else item)
    prepared.cleaned = clean_drafts(prepared.drafts)
    return prepared


def prepare_safely(source: Source, started) -> Prepared:
    """prepare(), with any failure (a reader bug, a broken library) turned into the check's error."""
    try:
        return prepare(source, started)
    except Exception as exc:
        log.exception("reading source %s failed", source.pk)
        return Prepared(error=FetchError(f"internal error while checking: {type(exc).__name__}: {exc}"))


def record(source: Source, started, prepared: Prepared) -> FetchLog:
    """Store what a check prepared and the source's new state, in one transaction; never raises
    for a bad source (the failure is recorded on it instead)."""
    try:
        if prepared.error is not None:
            return _failed(source, started, prepared.error, prepared.notes)
        counts = {IMPORTED: 0, UPDATED: 0, UNCHANGED: 0, SKIPPED: 0}
        notes = list(prepared.notes)
        interval = timedelta(seconds=source.interval) if source.interval else None
        with transaction.atomic():
            if prepared.drafts:
                counts = _store_entries(source, prepared.drafts, notes, prepared.cleaned)
            return _succeeded(source, started, prepared.fetched, prepared.drafts, counts, notes, interval)
    except Exception as exc:  # a bug or a database hiccup: the log keeps the trace, the source the reason
        log.exception("recording source %s failed", source.pk)
        return _failed(source, started, FetchError(f"internal error while checking: {type(exc).__name__}: {exc}"))


def ingest_source(source: Source) -> FetchLog:
    """Check one source once, in this process: fetch (conditionally), read, store each entry,
    record what happened.

    Whatever goes wrong is recorded on the source (its error, a log line, one more failure in a
    row, a backed-off next check) and returned, never raised: one bad source cannot stop a worker.
    """
    started = timezone.now()
    return record(source, started, prepare_safely(source, started))


def _succeeded(source, started, fetched, drafts, counts, notes, interval) -> FetchLog:
    """Record a successful check: new fetch state, next check, counts, a log line."""
    finished = timezone.now()
    learned = publishing_interval(drafts) if drafts else None
    # A 304 says nothing about how often the source publishes: keep the interval last learned.
    next_in = interval or learned or (timedelta(seconds=source.learned_interval) if source.learned_interval
                                      else DEFAULT_INTERVAL)
    Source.objects.filter(pk=source.pk).update(
        learned_interval=int(learned.total_seconds()) if learned else source.learned_interval,
        etag=fetched.etag or source.etag, last_modified=fetched.last_modified or source.last_modified,
        last_fetch_at=finished, last_status=fetched.status, last_error="", consecutive_failures=0,
        next_check_at=finished + next_in, last_new=counts[IMPORTED], last_updated=counts[UPDATED],
        last_unchanged=counts[UNCHANGED], claimed_by="", claimed_until=None)
    return _log(source, started, finished, fetched.status, counts, "", notes)


def new_worker_id() -> str:
    """Return a name for this worker process, unique across machines."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
