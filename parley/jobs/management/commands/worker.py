"""`parley worker`: keep sources fresh and run the background jobs (run as many as you like, on one machine or many)."""
from django.core.management.base import BaseCommand

from parley.jobs.worker import DEFAULT_BATCH, Worker
from parley.sources.checker import default_processes


class Command(BaseCommand):
    help = "Check due sources continuously; several workers never take the same source."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Stop when no source is due.")
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"Sources claimed at a time (default {DEFAULT_BATCH}).")
        parser.add_argument("--processes", type=int, default=None,
                            help="Processes that fetch and parse while this one stores (default: one per core, "
                                 "at most 4; 0: all in this process).")

    def handle(self, once, batch, processes, **options):
        checked = Worker(batch, default_processes() if processes is None else processes).run(once=once)
        self.stdout.write(f"checked {checked} source{'s' if checked != 1 else ''}")
