"""Import saved files (text pages, HTML pages, JSON Lines, RSS/Atom/JSON feeds) through `import_path()`."""
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from parley.articles.cleaning import normalize_url
from parley.articles.services import (
    IMPORTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ArticleDraft,
    ArticleRejected,
    store_article,
    store_articles,
)
from parley.sources.fetch import FetchError, decode_coding
from parley.sources.models import Source
from parley.sources.readers import Unreadable
from parley.sources.readers.decoding import decode_text
from parley.sources.readers.feeds import looks_like_feed, read_feed
from parley.sources.readers.htmlpage import read_html_page
from parley.sources.readers.jsonlines import read_json_lines
from parley.sources.readers.opml import read_opml
from parley.sources.readers.textpage import read_text_page

log = logging.getLogger("parley.sources")

FORMATS = ("auto", "text", "html", "jsonl", "feed", "opml")
EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".rdf": "feed", ".xml": "feed",
    ".opml": "opml",
}
STDIN = "-"


REFUSED = "refused"
# Records stored per transaction when a file holds many (a feed of 10,000 entries).
STORE_BATCH = 500


@dataclass
class FileReport:
    """What importing one file did: counts by outcome, the reasons records were refused, and whether
    the file itself could not be read (`failed`)."""

    path: str
    counts: dict = field(default_factory=lambda: {IMPORTED: 0, UPDATED: 0, UNCHANGED: 0, SKIPPED: 0, REFUSED: 0})
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was changed or dropped on the way in
    failed: bool = False  # the file could not be read at all (missing, binary, too large, not a feed...)

    def fail(self, reason: str) -> None:
        """Record that the file could not be read (or a record could not be stored): an error."""
        self.failed = True
        self.reasons.insert(0, reason)

    def refuse(self, reason: str) -> None:
        """Record a record the file holds that is not an article Parley stores, with the reason."""
        self.counts[REFUSED] += 1
        self.reasons.append(reason)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """Return one line: the counts, then the first reason when something failed or was refused."""
        parts = [f"{n} {name}" for name, n in self.counts.items() if n or name == IMPORTED]
        line = f"{self.path}: " + ("failed, " if self.failed else "") + ", ".join(parts)
        if self.reasons:
            line += f" ({self.reasons[0]}" + (f"; and {len(self.reasons) - 1} more" if len(self.reasons) > 1 else "") + ")"
        if self.notes:
            line += f"; note: {self.notes[0]}" + (f" (and {len(self.notes) - 1} more)" if len(self.notes) > 1 else "")
        return line


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Return the files named, folders walked in sorted order (hidden files skipped), '-' kept."""
    out = []
    for raw in paths:
        path = Path(raw)
        if raw != STDIN and path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
        else:
            out.append(raw)
    return out


def read_bytes(name: str, limit: int) -> bytes:
    """Return a file's bytes (or standard input's), refusing missing files and files over the limit."""
    if name == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(name)
        if not path.exists():
            raise Unreadable("no such file or directory")
        if not path.is_file():
            raise Unreadable("not a regular file")
        size = path.stat().st_size
        if size > limit:
            raise Unreadable(f"file is {size:,} bytes, over the import limit of {limit:,} (PARLEY_IMPORT_MAX_BYTES)")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"input is over the import limit of {limit:,} bytes (PARLEY_IMPORT_MAX_BYTES)")
    if data.startswith(GZIP_MAGIC) or (name != STDIN and Path(name).suffix.lower() == ".gz"):
        return gunzip(data, limit)
    return data


GZIP_MAGIC = b"\x1f\x8b"
HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body)", re.I)


def gunzip(data: bytes, limit: int) -> bytes:
    """Return a gzip file's contents (every member), decoded a piece at a time by the same decoder
    as fetched bodies and refused as soon as they pass `limit`: a gzip bomb costs about the limit."""
    if not data.startswith(GZIP_MAGIC):
        raise Unreadable("named .gz but not a gzip file (no gzip header)")
    out, size = [], 0
    try:
        for piece in decode_coding([data], "gzip"):
            size += len(piece)
            if size > limit:
                raise Unreadable(f"gzip file decompresses to over the import limit of {limit:,} bytes "
                                 "(PARLEY_IMPORT_MAX_BYTES): refused, as a gzip bomb would be")
            out.append(piece)
    except FetchError as exc:
        if "truncated" in str(exc):
            raise Unreadable(f"truncated gzip file: the compressed data ends early (after {size:,} bytes)") from None
        raise Unreadable(f"not a readable gzip file ({exc})") from None
    return b"".join(out)


def extension_of(name: str) -> str:
    """Return a file's extension, looking through .gz ("page.html.gz" is ".html")."""
    path = Path(name)
    return (path.with_suffix("").suffix if path.suffix.lower() == ".gz" else path.suffix).lower()


def sniff_format(name: str, text: str) -> str:
    """Return the reader for a file: by extension, else by its first characters."""
    by_ext = EXTENSIONS.get(extension_of(name))
    if by_ext:
        return by_ext
    head = text.lstrip()[:1000].lower()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<article" in head:
        return "html"
    return "text"


def _import_opml(report: FileReport, data: bytes) -> FileReport:
    """Add a source for each feed an OPML file lists (checked by the workers, not now)."""
    for url, title in read_opml(data):
        if not normalize_url(url):
            report.refuse(f"{url}: not an http(s) URL")
            continue
        _, created = Source.objects.get_or_create(url=url, defaults={"name": title[:200], "next_check_at": timezone.now()})
        report.counts[IMPORTED if created else UNCHANGED] += 1
    return report


def _looks_like_feed(name: str, data: bytes) -> bool:
    return EXTENSIONS.get(extension_of(name)) == "feed" or looks_like_feed(data)


def drafts_in(name: str, text: str, fmt: str, reference: datetime, data: bytes = b"",
              ) -> Iterator[tuple[str, ArticleDraft | Unreadable]]:
    """Yield (where in the file, the draft or the reason it was refused) for each record of one file."""
    origin = "stdin" if name == STDIN else str(Path(name).resolve())
    if fmt == "feed":
        # feedparser reads the encoding the XML declares
        for number, item in enumerate(read_feed(data, reference, origin), start=1):
            yield f"entry {number}: ", item
    elif fmt == "jsonl":
        for number, item in read_json_lines(text, origin):
            yield f"line {number}: ", item
    else:  # one article a file: the reader's refusal is the file's one refused record
        reader = read_html_page if fmt == "html" else read_text_page
        try:
            yield "", reader(text, reference, origin)
        except Unreadable as exc:
            yield "", exc


def import_file(name: str, fmt: str = "auto", reference_date: datetime | None = None) -> FileReport:
    """Import one file; a failure is reported, never raised, and stores nothing half-made."""
    report = FileReport(name)
    try:
        data = read_bytes(name, settings.PARLEY_IMPORT_MAX_BYTES)
        if fmt == "auto" and (EXTENSIONS.get(extension_of(name)) == "opml" or b"<opml" in data[:500].lower()):
            fmt = "opml"
        if fmt == "opml":
            return _import_opml(report, data)
        if fmt == "auto" and _looks_like_feed(name, data):
            fmt = "feed"
            if not looks_like_feed(data) and HTML_START.search(data[:2000]):
                # Named as a feed, but a web page (a server's "Document Moved" saved as feed.rss): it is
                # read as the page it is, and refused or stored as such, not failed as a broken feed.
                fmt = "html"
                report.notes.append("named as a feed, but an HTML page: read as a page")
        # Feeds go to feedparser as bytes: it honours the encoding the document declares.
        text = "" if fmt == "feed" else decode_text(data)
        if reference_date is not None:
            reference = reference_date
        elif name != STDIN:
            reference = datetime.fromtimestamp(Path(name).stat().st_mtime, tz=timezone.get_current_timezone())
        else:
            reference = timezone.now()
        batch = []
        for where, item in drafts_in(name, text, sniff_format(name, text) if fmt == "auto" else fmt, reference, data):
            if isinstance(item, Unreadable):
                report.refuse(where + str(item).removeprefix(where))
                continue
            batch.append((where, item))
            if len(batch) >= STORE_BATCH:
                _store_batch(report, name, batch)
                batch = []
        _store_batch(report, name, batch)
    except (Unreadable, ArticleRejected) as exc:
        report.fail(str(exc))
    except OSError as exc:
        report.fail(exc.strerror or str(exc))
    except Exception as exc:  # a reader bug must not stop the other files; the log keeps the trace
        log.exception("import of %s failed", name)
        report.fail(f"internal error: {type(exc).__name__}: {exc}")
    return report


def _store_batch(report: FileReport, name: str, batch: list[tuple[str, ArticleDraft]]) -> None:
    """Store a file's drafts, many to a transaction; if the batch fails, one at a time, so one record
    the database refuses costs only itself."""
    if not batch:
        return
    try:
        results = store_articles([draft for _, draft in batch])
    except Exception:  # each draft is tried alone below, and its error recorded there
        results = [None] * len(batch)
    for (where, draft), result in zip(batch, results, strict=True):
        if result is None:
            try:
                result = store_article(draft)
            except ArticleRejected as exc:
                result = exc
            except Exception as exc:  # one record the database refuses must not cost the records after it
                log.exception("storing %s%s failed", where, name)
                report.fail(f"{where}could not be stored ({type(exc).__name__}: {exc})")
                continue
        if isinstance(result, ArticleRejected):
            report.refuse(f"{where}{result}")
            continue
        report.counts[result.status] += 1
        report.notes.extend(where + note for note in result.notes)


def import_path(
    paths: Iterable[str], fmt: str = "auto", reference_date: datetime | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Import every file named (folders walked, '-' for standard input) and return one report each."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    reports = []
    for name in expand_paths(paths):
        report = import_file(name, fmt, reference_date)
        reports.append(report)
        if on_file:
            on_file(report)
    return reports
