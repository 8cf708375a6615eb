"""`parley serve`: serve the site with gunicorn, and run a source worker beside it, restarted if it dies."""
import gc
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from parley.conf import env, pass_on
from parley.wsgi import application

log = logging.getLogger("parley.sources")


class Supervisor(threading.Thread):
    """Keep one `parley worker` process running: restart it when it exits, waiting longer each time
    it dies young (1 s, 2 s, 4 s ... at most MAX_BACKOFF), and stop it when the server stops."""

    MAX_BACKOFF = 60.0
    HEALTHY_AFTER = 60.0  # a worker that ran this long resets the backoff

    def __init__(self, command: list[str]):
        super().__init__(name="parley-worker-supervisor", daemon=True)
        self.command = command
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._halt = threading.Event()

    def run(self):
        backoff = 1.0
        while not self._halt.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.command)
            code = self.process.wait()
            if self._halt.is_set():
                return
            # The first wait is a full second: a Ctrl-C reaches the worker and the server together,
            # and the server needs that moment to say it is stopping too.
            wait = 1.0 if time.monotonic() - started > self.HEALTHY_AFTER else backoff
            backoff = min(self.MAX_BACKOFF, wait * 2)
            self.restarts += 1
            log.error("the source worker exited with status %s; restarting it in %g s", code, wait)
            self._halt.wait(wait)

    def stop(self, timeout: float = 30) -> None:
        self._halt.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)  # the server never exits before its worker is gone
        self.join(timeout=5)


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


def warm_and_freeze() -> None:
    """Compile every template and the URL map in the master, then move everything alive to the
    collector's permanent generation, before gunicorn forks its workers.

    A full collection otherwise walks all of Django's startup objects: 50-65 ms in a web worker,
    which was the 99th percentile of a busy article page. Frozen, it walks only what requests
    leave behind (5 ms measured); the forks also share the frozen pages instead of copying them.
    """
    from django.template import engines
    from django.urls import get_resolver

    env = engines["jinja2"].env
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt", ".xml"))):
        env.get_template(name)
    get_resolver().reverse_dict  # noqa: B018 (builds the reverse map)
    gc.collect()
    gc.freeze()


def site_url_for(bind: str) -> str:
    """Make links in mail point where this server answers when PARLEY_SITE_URL is unset (the web
    workers and the source worker started here inherit it); return the line that says which."""
    if env("PARLEY_SITE_URL"):
        return f"Links in mail use PARLEY_SITE_URL: {settings.PARLEY_SITE_URL}"
    host, _, port = bind.rpartition(":")
    if bind.startswith(("unix:", "fd:")) or not port.isdigit():
        return f"Links in mail use {settings.PARLEY_SITE_URL} (PARLEY_SITE_URL is unset; set it for this bind)"
    host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}.get(host, host)
    url = f"http://{host}:{port}"
    pass_on("PARLEY_SITE_URL", url)
    settings.PARLEY_SITE_URL = url
    return f"Links in mail use {url}, the address served (PARLEY_SITE_URL is unset)"


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
        self.stdout.write(site_url_for(bind))
        # The one-machine shape: a source worker runs beside the web server, and stops with it.
        worker = None if no_worker else Supervisor([sys.executable, "-m", "parley.cli", "worker"])
        if worker is not None:
            worker.start()
        master = os.getpid()
        warm_and_freeze()
        try:
            ParleyServer({
                "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
                "accesslog": None if no_access_log else "-", "timeout": 60, "graceful_timeout": 10,
                "logger_class": "parley.accesslog.Logger",  # tokens in addresses never reach the log
                # Gunicorn's control socket would default to one path per user ($HOME/.gunicorn),
                # shared by every instance on the machine; Parley does not use it.
                "control_socket_disable": True,
            }).run()
        finally:
            # Gunicorn's web workers are forks of this process and leave through this block too:
            # only the master owns the source worker.
            if worker is not None and os.getpid() == master:
                worker.stop()
