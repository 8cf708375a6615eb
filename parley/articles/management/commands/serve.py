"""`parley serve`: serve the site with gunicorn."""
import multiprocessing

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
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() + 1))
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")

    def handle(self, bind, workers, threads, **options):
        self.stdout.write(f"Parley at http://{bind}/ ({workers} workers x {threads} threads). Ctrl-C stops it.")
        ParleyServer({
            "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
            "accesslog": "-", "timeout": 60, "graceful_timeout": 10,
        }).run()
