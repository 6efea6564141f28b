"""Load run on loopback: gunicorn (2 workers, production settings) serving a 10 000-invoice account to N
concurrent signed-in users, for the invoice list, an invoice page and a bare signed-in view (the password
change page: session, user, account and base layout, a small form) measured in the same run, one after
the other.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/load.py [--users 50] [--seconds 15] [--think 2]

Bounded: each view is loaded for --seconds by --users asyncio clients, under two models of a user:
- no think time: each sends a request, waits for the whole answer, sends the next (a stress test: 50 such
  users keep both workers busy all the time, so latency is about 25 x a request's service time);
- think time: after each answer the user reads for a while (exponential, mean --think seconds) before the
  next click, as the people paying invoices do.
A run lasts about 6 x --seconds plus the set-up (seeding, collectstatic, gunicorn start). Prints p50 and p99
latency and requests per second for each view; the bare view is the baseline. Goal (issue 17): list and
detail p99 < 200 ms at 50 users on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _bench_db import ROOT, bench_database_url, django_with_bench_db, free_port, production_env

INVOICES = 10_000
SECRET = secrets.token_urlsafe(40)
os.environ["DJANGO_SECRET_KEY"] = SECRET  # the server checks the session's hash with the same key


async def fetch(port: int, request: bytes) -> int:
    """One request on its own connection (gunicorn's sync workers close it after each answer)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await reader.read()  # until the server closes: the whole answer
    writer.close()
    return int(data[9:12]) if data.startswith(b"HTTP/1.") else 0


async def one_user(
    port: int, request: bytes, deadline: float, latencies: list[float], errors: list[int], think: float
):
    rng = random.Random()
    if think:  # users don't all arrive in the same millisecond
        await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            status = await fetch(port, request)
        except OSError:
            status = 0
        if status == 200:
            latencies.append((time.perf_counter() - start) * 1000)
        else:
            errors.append(status)
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))


async def load(port: int, path: str, cookie: str, users: int, seconds: float, think: float = 0.0) -> dict:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nX-Forwarded-Proto: https\r\n"
        "Accept-Language: en\r\nConnection: close\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors: list[int] = []
    started = time.monotonic()
    await asyncio.gather(
        *(one_user(port, request, started + seconds, latencies, errors, think) for _ in range(users))
    )
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [float("nan")]
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": len(errors),
    }


def wait_for_server(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean seconds a user reads before the next click"
    )
    args = parser.parse_args()
    teardown = django_with_bench_db("bench_load")
    try:
        run(args)
    finally:
        teardown()


def run(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tests.factories import MembershipFactory
    from tests.invoices.factories import invoices_bulk_create

    member = MembershipFactory(role="billing_contact")
    invoices_bulk_create(account=member.account, count=INVOICES)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps
    number = member.account.invoices.order_by("-issue_date").values_list("number", flat=True)[5]
    client = Client()
    client.force_login(member.user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = production_env(database_url=bench_database_url(), redis_url=settings.REDIS_URL, secret=SECRET)
    python = str(Path(sys.executable))
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server(port, gunicorn)
        cookie = f"__Host-sessionid={session_key}"  # the production session cookie's name
        views = {
            "bare": "/account/password/change/",  # session, user, account, base layout, a 3-field form
            "invoice list": "/invoices/",
            "invoice detail": f"/invoices/{number}/",
        }
        for path in views.values():  # warm every worker's caches and check access
            status = asyncio.run(load(port, path, cookie, users=args.workers * 2, seconds=1.0))
            if status["requests"] == 0:
                raise RuntimeError(f"{path}: no successful answer ({status['errors']} errors)")
        print(
            f"gunicorn, {args.workers} workers, production settings; {args.users} users for {args.seconds:.0f} s"
            f" per view and model; account with {INVOICES} invoices"
        )
        models = {"no think time": 0.0, f"think {args.think:g} s": args.think}
        print(
            f"{'users':>14} {'view':>15} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>6} {'requests':>9} {'errors':>7}"
        )
        for model, think in models.items():
            results = {}
            for name, path in views.items():
                results[name] = result = asyncio.run(
                    load(port, path, cookie, users=args.users, seconds=args.seconds, think=think)
                )
                print(
                    f"{model:>14} {name:>15} {result['p50']:>7.0f} {result['p99']:>7.0f} {result['rps']:>6.0f}"
                    f" {result['requests']:>9} {result['errors']:>7}"
                )
            for name in ("invoice list", "invoice detail"):
                print(
                    f"{model:>14} {name:>15}: p50 {results[name]['p50'] / results['bare']['p50']:.1f}x the bare "
                    f"view's, p99 {results[name]['p99']:.0f} ms (goal < 200 ms)"
                )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()


if __name__ == "__main__":
    main()
