"""Start-up of a reading process (see `checker.py`). Importable before Django is set up, which a
freshly spawned process needs: it must set Django up before anything imports a model."""
import os
import signal


def start(values: dict) -> None:
    """Set Django up in this new process, with the given settings as the parent had them."""
    import django

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the worker decides when to stop
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    django.setup()
    from django.conf import settings

    for name, value in values.items():
        setattr(settings, name, value)
