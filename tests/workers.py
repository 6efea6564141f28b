"""A real Celery worker process for the tests: started on a private queue, ready when worker_start returns."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker_start(
    *, queue: str, env: dict, log_path: Path, pidfile: Path, unset: tuple[str, ...] = ()
) -> subprocess.Popen:
    """A real `celery worker` (solo pool, one task at a time) on our queue and its render queue (PDFs rendered
    ahead of invoice emails: notifications/tasks.py), ready when this returns."""
    log = open(log_path, "a")  # noqa: SIM115 — closed with the process by worker_stop
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-c",
            "1",
            "-Q",
            f"{queue},{queue}.render",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--pidfile={pidfile}",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env={
            **{name: value for name, value in os.environ.items() if name not in unset},
            **env,
            "CELERY_QUEUE": queue,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_file = log
    start = log_path.stat().st_size if log_path.exists() else 0
    deadline = time.time() + 60
    while time.time() < deadline and "ready" not in log_path.read_text()[start:]:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text())
        time.sleep(0.2)
    return proc


def worker_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.log_file.close()
