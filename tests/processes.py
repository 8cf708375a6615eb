"""Several `parley` processes started at once against the test database, as on several machines."""
import os
import subprocess
import sys
import time

from tests.test_worker_kill import database_url


def run_together(tmp_path, commands, deadline: float = 120, **env_extra) -> None:
    """Start `parley` with each argument list at once, wait for all (killing any past the deadline,
    in seconds), and fail on a non-zero exit or a traceback in one's stderr."""
    # One data folder with its key already made, as on a machine where the site has run before.
    (tmp_path / "secret_key").write_text("processes-test-key-" + "x" * 40)
    env = {**os.environ, "DATABASE_URL": database_url(), "PARLEY_DATA_DIR": str(tmp_path),
           "PARLEY_LOG_LEVEL": "WARNING", **env_extra}
    procs, logs = [], [tmp_path / f"proc{n}.err" for n in range(len(commands))]
    end = time.monotonic() + deadline
    try:
        for command, path in zip(commands, logs, strict=True):
            with open(path, "wb") as err:
                procs.append(subprocess.Popen([sys.executable, "-m", "parley.cli", *command], env=env,
                                              stdout=subprocess.DEVNULL, stderr=err))
        for proc in procs:
            proc.wait(timeout=max(1.0, end - time.monotonic()))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    for proc, path in zip(procs, logs, strict=True):
        err = path.read_text(errors="replace")
        assert proc.returncode == 0 and "Traceback" not in err, f"exit {proc.returncode}: {err[-3000:]}"
