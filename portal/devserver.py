"""`make run`: the web server, a Celery worker, Celery beat and the local payment fakes, stopped together by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HOST = os.environ.get("PORTAL_HOST", "127.0.0.1")
PORT = os.environ.get("PORTAL_PORT", "8000")
ROOT = Path(__file__).resolve().parent.parent
ESSENTIAL = {"web", "worker", "beat"}  # if one of these stops, everything stops


def processes() -> dict[str, list[str]]:
    python = sys.executable
    queue = os.environ.get("CELERY_QUEUE", "portal")
    queues = f"{queue},{queue}.render"  # one worker for the sends and the PDFs rendered ahead of them
    return {
        "web": [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [
            *(python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2"),
            f"--queues={queues}",
        ],
        "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"],
        "fake-stripe": [python, "-m", "portal.fakes", "stripe", "8420"],
        "fake-paypal": [python, "-m", "portal.fakes", "paypal", "8421"],
    }


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def child_env() -> dict[str, str]:
    """The environment of every process started here: the developer mode, asked for explicitly (settings
    default to production, and so never to the public development secret key)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_DEBUG": "1", "SITE_URL": f"http://{HOST}:{PORT}"}


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    env = child_env()
    demo = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "seed_demo"], env=env, capture_output=True, text=True, check=True
    )
    logins = [line for line in demo.stdout.splitlines() if line.strip()]
    running: dict[str, subprocess.Popen] = {}
    for name, command in processes().items():
        running[name] = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
    time.sleep(2)
    print(f"\n  Customer Center is running at http://{HOST}:{PORT}/  (admin: /admin/)")
    print("\n".join(f"  {line}" for line in logins))
    print("  Emails are written to var/mail/.")
    print("  Press Ctrl-C to stop the web server, the worker, beat and the payment fakes.\n", flush=True)
    exit_code = 0
    try:
        while True:
            for name, proc in running.items():
                if name in ESSENTIAL and proc.poll() is not None:
                    print(f"{name} stopped (exit code {proc.returncode}); stopping the rest.", flush=True)
                    exit_code = proc.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.time() + 10
        for proc in running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if "DATABASE_URL" not in os.environ:
            from portal.embedded import embedded_postgres_stop

            embedded_postgres_stop(Path(os.environ.get("PORTAL_VAR_DIR", ROOT / "var")))
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
