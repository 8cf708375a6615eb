"""`parley sources add|list|check`: manage what Parley gathers from."""
from django.core.management.base import BaseCommand, CommandError

from parley.sources.ingest import SourceError, add_source, ingest_source
from parley.sources.models import Source


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
            for s in Source.objects.order_by("id"):
                state = "paused" if s.paused else ("failing" if s.consecutive_failures else "ok")
                self.stdout.write(
                    f"{s.pk:>4} {state:<7} {s.url}\n"
                    f"     last fetch {s.last_fetch_at or 'never'} (HTTP {s.last_status or '-'}): {s.last_new} new, "
                    f"{s.last_updated} updated, {s.last_unchanged} unchanged; failures in a row {s.consecutive_failures}; "
                    f"next check {s.next_check_at}" + (f"\n     last error: {s.last_error}" if s.last_error else ""))
        else:
            ref = options["source"]
            source = Source.objects.filter(pk=int(ref)).first() if ref.isdigit() else Source.objects.filter(url=ref).first()
            if source is None:
                raise CommandError(f"no source {ref}")
            entry = ingest_source(source)
            if entry.error:  # recorded on the source; the exit status tells scripts too
                raise CommandError(entry.error)
            self.stdout.write(f"{entry.new} new, {entry.updated} updated, {entry.unchanged} unchanged")
