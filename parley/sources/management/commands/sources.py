"""`parley sources add|list|check`: manage what Parley gathers from."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parley.sources.ingest import SourceError, add_source, ingest_source
from parley.sources.models import Source, WorkerBeat


def ago(moment, now) -> str:
    """A time as people say it: "never", "just now", "5 min ago", "in 2 h", "3 d ago"."""
    if moment is None:
        return "never"
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    if span < 60:
        return "just now" if seconds <= 0 else "in under a minute"
    amount = (f"{round(span / 60)} min" if span < 3570 else f"{round(span / 3600)} h" if span < 84600
              else f"{round(span / 86400)} d")
    return f"{amount} ago" if seconds < 0 else f"in {amount}"


def sources_table(sources: list[Source]) -> str:
    """Every source's health as a table: name, kind, state, last and next check, what the last brought."""
    if not sources:
        return "No sources yet. Add one with `parley sources add URL` (a feed, a site or an article page)."
    now = timezone.now()
    rows = [("id", "name", "kind", "health", "last check", "last brought", "next check")]
    errors = []
    for s in sources:
        health = ("paused" if s.paused else f"failing ({s.consecutive_failures} in a row)" if s.consecutive_failures
                  else "ok" if s.last_fetch_at else "not checked yet")
        status = f"HTTP {s.last_status}" if s.last_status else "-"
        brought = f"{s.last_new} new, {s.last_updated} updated" if s.last_fetch_at else "-"
        name = s.name or s.url
        rows.append((str(s.pk), name if len(name) <= 40 else name[:39] + "\u2026", s.get_kind_display(), health,
                     f"{ago(s.last_fetch_at, now)} ({status})" if s.last_fetch_at else "never", brought,
                     "paused" if s.paused else ago(s.next_check_at, now)))
        if s.last_error:
            errors.append(f"  {s.pk}: {s.url}: {s.last_error}")
    widths = [max(len(row[n]) for row in rows) for n in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines + (["", "Last errors:", *errors] if errors else []))


def worker_line(now=None) -> str:
    """One line on the workers: who was heard from last and when; a warning when none is alive."""
    now = now or timezone.now()
    beat = WorkerBeat.objects.order_by("-beat_at").first()
    if beat is None:
        return "Worker: none has run yet. Sources are checked only while `parley worker` (or `parley serve`) runs."
    silent = (now - beat.beat_at).total_seconds()
    if beat.stopped_at:
        return f"Worker: STOPPED. The last one ({beat.worker}) stopped {ago(beat.stopped_at, now)}; start `parley worker`."
    if silent > WorkerBeat.STUCK_AFTER:
        return (f"Worker: STUCK OR GONE. {beat.worker} was last heard from {ago(beat.beat_at, now)}, while "
                f"{beat.doing or 'working'}; restart it (its claims lapse by themselves).")
    return f"Worker: ok ({beat.worker}, {beat.doing or 'working'}, heard from {ago(beat.beat_at, now)})."


class Command(BaseCommand):
    help = "Add, list or check sources."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a feed, a site (its feed is found) or an article page.")
        add.add_argument("url")
        add.add_argument("--name", default="")
        add.add_argument("--interval", type=int, default=None, help="Seconds between checks (default: adaptive).")
        add.add_argument("--full-text", action="store_true", help="Fetch each entry's page when the feed has a summary only.")
        sub.add_parser("list", help="Show every source's health.")
        check = sub.add_parser("check", help="Check one source now.")
        check.add_argument("source", help="Source id or URL.")

    def handle(self, action, **options):
        if action == "add":
            try:
                source = add_source(options["url"], options["name"], options["interval"], options["full_text"])
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"added source {source.pk}: {source.url} ({source.get_kind_display()})")
        elif action == "list":
            self.stdout.write(sources_table(list(Source.objects.order_by("id"))))
            self.stdout.write("\n" + worker_line())
        else:
            ref = options["source"]
            source = Source.objects.filter(pk=int(ref)).first() if ref.isdigit() else Source.objects.filter(url=ref).first()
            if source is None:
                raise CommandError(f"no source {ref}")
            entry = ingest_source(source)
            if entry.error:  # recorded on the source; the exit status tells scripts too
                raise CommandError(entry.error)
            self.stdout.write(f"{entry.new} new, {entry.updated} updated, {entry.unchanged} unchanged")
