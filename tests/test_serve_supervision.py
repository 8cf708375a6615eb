"""`parley serve` keeps its source worker alive: a worker killed with SIGKILL is replaced, and SIGTERM
stops the server and its worker together."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.serving import stop
from tests.test_worker_kill import database_url

START_DEADLINE = 60  # seconds for serve to start its worker (Django, gunicorn, the worker's imports)
RESTART_DEADLINE = 15
STOP_DEADLINE = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stat_of(pid: int) -> tuple[str, int, int] | None:
    """Return (state, ppid, start time) of a process from /proc/<pid>/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return fields[0], int(fields[1]), int(fields[19])


def argv_of(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [part.decode(errors="replace") for part in fh.read().split(b"\0") if part]
    except (FileNotFoundError, ProcessLookupError):
        return []


def children(parent: int) -> dict[int, tuple[int, list[str]]]:
    """Return {pid: (start time, argv)} of a process's living (not zombie) children."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = stat_of(int(name))
        if stat and stat[1] == parent and stat[0] != "Z":
            found[int(name)] = (stat[2], argv_of(int(name)))
    return found


def source_workers(parent: int) -> dict[int, int]:
    """Return {pid: start time} of the `parley worker` children of a serve process (not its gunicorn workers,
    whose argv is serve's own, `--workers` included)."""
    return {pid: start for pid, (start, argv) in children(parent).items() if "worker" in argv}


def alive(pid: int, start: int) -> bool:
    """Tell whether that very process (pid and start time) still runs."""
    stat = stat_of(pid)
    return stat is not None and stat[2] == start and stat[0] != "Z"


def wait_for(predicate, deadline: float, step: float = 0.1):
    """Return the predicate's first truthy value before the deadline (time.monotonic()), else the last one."""
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


@pytest.mark.django_db(transaction=True)
def test_killed_worker_is_restarted_and_sigterm_stops_everything(tmp_path):
    """Ensure serve replaces a SIGKILLed worker within 15 s, and on SIGTERM exits cleanly within 30 s leaving no worker."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path),
           "PARLEY_FETCH_ALLOW_HOSTS": "127.0.0.1", "PARLEY_LOG_LEVEL": "WARNING", "HOME": str(home)}
    env.pop("XDG_RUNTIME_DIR", None)
    command = [sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"]
    seen: dict[int, int] = {}  # every child of serve seen: pid -> start time
    with open(tmp_path / "serve.log", "wb") as log:
        serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        first = wait_for(lambda: source_workers(serve.pid), time.monotonic() + START_DEADLINE)
        assert len(first) == 1, f"serve started {len(first)} source workers: {children(serve.pid)}"
        (old_pid, old_start), = first.items()
        seen.update(first)
        os.kill(old_pid, signal.SIGKILL)

        replaced = wait_for(lambda: {pid: start for pid, start in source_workers(serve.pid).items()
                                     if (pid, start) != (old_pid, old_start)}, time.monotonic() + RESTART_DEADLINE)
        assert len(replaced) == 1, "no new source worker within 15 s of the kill"
        seen.update(replaced)
        assert not alive(old_pid, old_start)
        assert serve.poll() is None, "serve itself died with its worker"
        # No control socket shared by every instance of the user's ($HOME/.gunicorn/gunicorn.ctl).
        assert not (home / ".gunicorn").exists()

        seen.update({pid: start for pid, (start, _) in children(serve.pid).items()})  # gunicorn's workers too
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=STOP_DEADLINE)
        left = wait_for(lambda: [pid for pid, start in seen.items() if alive(pid, start)] or None,
                        time.monotonic() + 1, step=0.1)  # orphans get no second chance: one look, briefly
        assert not left, f"still running after serve exited: {[argv_of(pid) for pid in left]}"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(timeout=10)
        for pid, start in seen.items():
            if alive(pid, start):
                os.kill(pid, signal.SIGKILL)
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert serve.returncode == 0 and "Traceback" not in output, f"exit {serve.returncode}: {output[-3000:]}"


@pytest.mark.django_db(transaction=True)
def test_a_web_worker_leaving_does_not_touch_the_source_worker(tmp_path):
    """Ensure a gunicorn web worker that exits (here on SIGTERM, as on a max-requests restart) leaves
    the source worker alone: gunicorn forks its web workers from serve, and a fork must not stop it."""
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path), "PARLEY_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "2"]
    with open(tmp_path / "serve.log", "wb") as log:
        serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_DEADLINE
        first = wait_for(lambda: source_workers(serve.pid), deadline)
        web = wait_for(lambda: [pid for pid in children(serve.pid) if pid not in first] if len(children(serve.pid)) >= 3
                       else None, deadline)
        assert len(first) == 1 and web, children(serve.pid)
        (worker_pid, worker_start), = first.items()
        os.kill(web[0], signal.SIGTERM)
        time.sleep(4)  # the web worker exits and gunicorn starts another
        assert alive(worker_pid, worker_start), "the source worker was stopped when a web worker left"
        assert source_workers(serve.pid) == first
    finally:
        stop(serve, STOP_DEADLINE)
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert "source worker exited" not in output, output[-3000:]


@pytest.mark.django_db(transaction=True)
def test_the_access_log_never_holds_a_links_secret(tmp_path):
    """Ensure the access lines of `parley serve` show private feed, unsubscribe and confirmation links
    with their tokens redacted (they were written in full), and other addresses as they are."""
    import urllib.error
    import urllib.request

    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path), "PARLEY_LOG_LEVEL": "WARNING"}
    port = free_port()
    command = [sys.executable, "-m", "parley.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-worker"]
    secrets = ["FEEDSECRET123", "UNSUBSECRET456", "VERIFYSECRET789"]
    paths = [f"/feed/private/{secrets[0]}/rss", f"/unsubscribe/{secrets[1]}/", f"/accounts/verify/{secrets[2]}/",
             "/healthz"]
    with open(tmp_path / "serve.log", "wb") as log:
        serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def answers():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status == 200
            except OSError:
                return False

        assert wait_for(answers, time.monotonic() + START_DEADLINE), "serve did not answer"
        for path in paths:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
            except urllib.error.HTTPError:
                pass  # a bad token is refused; the log line is what counts
        logged = lambda: (tmp_path / "serve.log").read_text(errors="replace")  # noqa: E731
        assert wait_for(lambda: logged().count("GET /") >= len(paths) + 1, time.monotonic() + 10)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=STOP_DEADLINE)
    output = logged()
    assert not [secret for secret in secrets if secret in output], output[-2000:]
    assert "GET /feed/private/[redacted]/rss" in output and "GET /unsubscribe/[redacted]/" in output
    assert "GET /accounts/verify/[redacted]/" in output and "GET /healthz" in output
