"""Stopping a served Parley the way systemd does: SIGTERM, a grace period, then SIGKILL."""
import signal
import subprocess


def stop(proc: subprocess.Popen, grace: float = 40) -> None:
    """Ask a `parley serve` process to stop and wait for it; kill it if it outlives the grace period."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
