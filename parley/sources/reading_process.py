"""Start-up of a reading process (see `checker.py`). Importable before Django is set up, which a
freshly spawned process needs: it must set Django up before anything imports a model."""
import os
import signal

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the worker that started it dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def start(values: dict, parent: int | None = None) -> None:
    """Set Django up in this new process, with the given settings as the parent had them."""
    import django

    if parent is not None:
        _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the worker decides when to stop
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    django.setup()
    from django.conf import settings

    for name, value in values.items():
        setattr(settings, name, value)
    # The readers too, before the process says it is ready: a reading deadline counts from then, and
    # importing them (httpx, feedparser, trafilatura, lxml: 0.4 s here, well over a second on a busy
    # two-core machine) must not eat a source's time (the hung-reader test failed so under load).
    import parley.sources.ingest  # noqa: F401
