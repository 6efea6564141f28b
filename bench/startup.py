"""Cold start: `manage.py check` of the portal next to the same command in a bare `django-admin startproject`.

    .venv/bin/python bench/startup.py [--runs 7]

Each run is a fresh interpreter (bytecode cached, as a deployed web process starts); medians, measured
alternately so that the machine's load weighs on both alike. Goal: the portal within 2x the bare project.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    env = {**os.environ, "DJANGO_DEBUG": "1", "PORTAL_PREFER_LOCAL_SERVICES": "1"}
    # A shell (or an image) with PYTHONDONTWRITEBYTECODE would make every run compile the whole project again:
    # the dropped first round writes the bytecode caches (the image compiles them at build time, Dockerfile).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as bare:
        bare_dir = Path(bare)
        subprocess.run(
            [python, "-m", "django", "startproject", "bareproject", str(bare_dir)], check=True, env=env
        )
        bare_env = {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}
        portal, baseline = [], []
        for _ in range(args.runs + 1):  # the first round warms the bytecode caches: dropped
            portal.append(timed([python, "manage.py", "check"], ROOT, env))
            baseline.append(timed([python, "manage.py", "check"], bare_dir, bare_env))
    ours, bare_median = statistics.median(portal[1:]), statistics.median(baseline[1:])
    print(f"manage.py check, cold interpreter, median of {args.runs} runs")
    print(f"{'':24}{'seconds':>9}")
    print(f"{'portal':24}{ours:>9.2f}")
    print(f"{'bare Django project':24}{bare_median:>9.2f}   (baseline)")
    print(f"ratio {ours / bare_median:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
