"""`parley serve`: serve the site with gunicorn, and run a source worker beside it."""
import multiprocessing
import subprocess
import sys

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from parley.wsgi import application


class ParleyServer(BaseApplication):
    """Gunicorn fed from our options instead of its own command line."""

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


class Command(BaseCommand):
    help = "Serve Parley over HTTP with gunicorn (the default verb of `parley`)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address to listen on (default 127.0.0.1:8000).")
        # Pages are CPU-bound Python: processes, not threads, use the cores (bench/serve.py measured
        # ~10% more home-page throughput and a third of the p99 with one thread per worker).
        parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() + 1)
        parser.add_argument("--threads", type=int, default=1, help="Threads per worker.")
        parser.add_argument("--no-access-log", action="store_true", help="Do not log each request (benchmarks).")
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not run a source worker beside the web server (when `parley worker` runs elsewhere).")

    def handle(self, bind, workers, threads, no_access_log, no_worker, **options):
        self.stdout.write(f"Parley at http://{bind}/ ({workers} workers x {threads} threads). Ctrl-C stops it.")
        # The one-machine shape: a source worker runs beside the web server, and stops with it.
        worker = None if no_worker else subprocess.Popen([sys.executable, "-m", "parley.cli", "worker"])
        try:
            ParleyServer({
                "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
                "accesslog": None if no_access_log else "-", "timeout": 60, "graceful_timeout": 10,
            }).run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
