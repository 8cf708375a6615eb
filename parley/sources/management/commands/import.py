"""`parley import PATH...`: import saved text pages, HTML pages, JSON Lines files and feeds.

Exit status: 0 when every file was read (records it refused are listed, with their reasons); 1 when
a file could not be read at all, or, with --strict, when any record was refused.
"""
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from parley.sources.services import FORMATS, expand_paths, import_path

# Below this many files a progress bar is noise; the per-file lines say enough.
PROGRESS_FROM = 5


def reference_date(value: str) -> datetime:
    """Parse --reference-date (YYYY-MM-DD or a full ISO 8601 time)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--reference-date must look like 2025-11-28, not {value!r}") from None
    if len(value) <= 10:
        parsed = datetime.combine(parsed.date(), time(12, 0))
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Import articles from saved text pages, HTML pages and JSON Lines files (folders walked, '-' is stdin)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=FORMATS, default="auto", help="Reader to use (default: by extension/content).")
        parser.add_argument("--reference-date", type=reference_date, default=None,
                            help="Date the pages were saved, for date lines without a year (default: each file's mtime).")
        parser.add_argument("--strict", action="store_true",
                            help="Exit 1 when any record was refused (not an article, no headline...), not only "
                                 "when a file could not be read.")

    def handle(self, paths, format, reference_date, verbosity, strict, **options):
        files = expand_paths(paths)
        console = Console(file=self.stdout._out, highlight=False, soft_wrap=True)
        totals = {"imported": 0, "updated": 0, "unchanged": 0, "skipped": 0, "refused": 0}
        failed_files = 0

        def report(r):
            nonlocal failed_files
            for key, n in r.counts.items():
                totals[key] += n
            failed_files += not r.ok
            if verbosity >= 1 or not r.ok or (strict and r.counts["refused"]):
                console.print(r.summary(), markup=False)
            if verbosity >= 2:  # every reason and note, not only the first
                for line in [*r.reasons, *(f"note: {note}" for note in r.notes)]:
                    console.print(f"  {line}", markup=False)

        if len(files) >= PROGRESS_FROM and verbosity >= 1:
            columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
                task = progress.add_task("import", total=len(files))

                def step(r):
                    report(r)
                    progress.advance(task)

                import_path(files, format, reference_date, on_file=step)
        else:
            import_path(files, format, reference_date, on_file=report)
        if len(files) > 1 and verbosity >= 1:
            console.print(f"{len(files)} files: " + ", ".join(f"{n} {k}" for k, n in totals.items())
                          + (f", {failed_files} failed" if failed_files else ""), markup=False)
        if failed_files:
            raise CommandError(f"{failed_files} of {len(files)} files could not be read", returncode=1)
        if strict and totals["refused"]:
            count = totals["refused"]
            raise CommandError(f"{count} record{'s' if count != 1 else ''} refused (--strict)", returncode=1)
