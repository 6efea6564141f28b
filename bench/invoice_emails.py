"""Bench: a month-end invoice email run through real Celery workers to a real SMTP server on loopback.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/invoice_emails.py [--invoices 2000] [--render-processes 2]

Production settings, the machine's Redis, a throwaway database. Two workers as docker-compose.yml runs
them on a 2-core box: the senders (`-Q <queue>`, 2 processes) and the renderer (`-Q <queue>.render`, 2
processes under `nice -n 10`) that renders each invoice PDF ahead of its email. Each child is recycled after
CELERY_WORKER_MAX_TASKS_PER_CHILD tasks or past CELERY_WORKER_MAX_MEMORY_PER_CHILD.

1. Issue run: `import_invoices` of N invoices (2 lines each); their issue emails go out, the PDF of each
   rendered ahead by the render worker. emails/s from the import's commit to the last message accepted.
2. Reminder run: a reminder for each of the same invoices, whose PDFs are now cached: what the senders
   do when a send only sends. The issue run cannot go faster than the PDFs are rendered
   (bench/invoice_pdf.py: ms a page), on the render processes (--render-processes).

Printed: emails/s of each run, duplicates (X-Outbox-Key seen more than once at the SMTP server), the
workers' resident memory (each process, at start and at its peak), next to the SMTP floor: the same number
of small messages sent by one process over one SMTP connection. Goal (issue 17): >= 20 emails/s, 0
duplicates, flat memory.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
from _bench_db import ROOT, bench_database_url, django_with_bench_db, free_port, production_env
from _bench_invoices import seed_accounts, write_csv

SECRET = secrets.token_urlsafe(40)
OUTBOX_KEY = re.compile(rb"^X-Outbox-Key: (\S+)", re.MULTILINE)


class SmtpSink:
    """aiosmtpd handler: accepts every message, remembers its outbox key and when it arrived."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        header = OUTBOX_KEY.search(
            envelope.content
        )  # not parsing the whole message: this process is the bench
        with self.lock:
            self.keys[header.group(1).decode() if header else ""] += 1
            self.arrivals.append(time.monotonic())
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def start_worker(
    *, queues: str, concurrency: int, env: dict, log: Path, name: str, niceness: int = 0
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            *(("nice", "-n", str(niceness)) if niceness else ()),
            *(sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork"),
            *(f"--concurrency={concurrency}", f"--queues={queues}", f"--hostname={name}@bench"),
            *(
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=" + os.environ.get("BENCH_WORKER_LOG_LEVEL", "WARNING"),
            ),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process


class MemoryWatch:
    """Samples the resident memory of every process of the workers, once a second."""

    def __init__(self, workers: list[subprocess.Popen]) -> None:
        self.workers = [psutil.Process(worker.pid) for worker in workers]
        self.first: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.processes_seen: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        for worker in self.workers:
            for process in [worker, *worker.children()]:
                try:
                    rss = process.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.processes_seen.add(process.pid)
                self.first.setdefault(process.pid, rss)
                self.peak[process.pid] = max(self.peak.get(process.pid, 0.0), rss)

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self.sample()


def wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the email run did not finish in time")
        time.sleep(0.1)


def smtp_floor(port: int, count: int) -> float:
    """emails/s of small messages sent by this process over one SMTP connection."""
    from django.core.mail import EmailMessage, get_connection

    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, use_tls=False
    )
    messages = [
        EmailMessage(
            "floor", "hello", "billing@bench.test", ["ap@bench.test"], headers={"X-Outbox-Key": "floor"}
        )
        for _ in range(count)
    ]
    started = time.monotonic()
    connection.send_messages(messages)
    return count / (time.monotonic() - started)


def run(invoices: int, render_processes: int) -> None:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import transaction

    from invoices.emails import EmailKind
    from invoices.importing import invoices_import
    from invoices.models import Invoice
    from notifications.models import OutboxEmail, OutboxStatus
    from notifications.services import outbox_enqueue_many
    from portal.celery import app

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"bench-emails-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    folder = Path(tempfile.mkdtemp(prefix="bench-emails-"))
    env = production_env(
        database_url=bench_database_url(),
        redis_url=settings.REDIS_URL,
        secret=SECRET,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        CELERY_QUEUE=queue,
        PORTAL_VAR_DIR=str(folder),
    )
    workers = [
        start_worker(queues=queue, concurrency=2, env=env, log=folder / "send.log", name="send"),
        start_worker(
            queues=f"{queue}.render",
            concurrency=render_processes,
            env=env,
            log=folder / "render.log",
            name="render",
            niceness=10,  # as docker-compose.yml runs it
        ),
    ]
    try:
        time.sleep(8)  # the workers' start-up (their processes are forked by then)
        memory = MemoryWatch(workers)
        memory.sample()
        memory.thread.start()
        seed_accounts()
        csv = folder / "invoices.csv"
        write_csv(csv, "MAIL", invoices)

        started = time.monotonic()
        result = invoices_import(path=csv)  # commits, then publishes the emails to the render queue
        assert not result.skipped
        wait_until(lambda: sink.count() >= invoices, timeout=invoices * 2)
        issue_rate = invoices / (sink.arrivals[invoices - 1] - started)

        rows = list(Invoice.objects.filter(number__startswith="MAIL-").select_related("account"))
        started = time.monotonic()
        with transaction.atomic():
            outbox_enqueue_many(
                kind=EmailKind.REMINDER,
                emails=[(invoice, f"invoice:{invoice.pk}:reminder", "en") for invoice in rows],
            )
        wait_until(lambda: sink.count() >= 2 * invoices, timeout=invoices * 2)
        reminder_rate = invoices / (sink.arrivals[2 * invoices - 1] - started)
        time.sleep(3)  # anything sent twice would arrive now
        memory.stop.set()
        memory.sample()
        duplicates = sum(count - 1 for key, count in sink.keys.items() if count > 1)
        floor = smtp_floor(port, invoices)
        not_sent = OutboxEmail.objects.exclude(status=OutboxStatus.SENT).count()
    finally:
        print(f"worker logs: {folder}")
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        controller.stop()

    print(
        f"invoice emails, {invoices} invoices x 2 lines, PDF attached; senders: 2 processes, "
        f"renderer: {render_processes}"
    )
    print(f"  issue run (PDFs rendered ahead):  {issue_rate:7.1f} emails/s   (goal >= 20)")
    print(f"  reminder run (PDFs cached):       {reminder_rate:7.1f} emails/s")
    print(
        f"  baseline, SMTP floor:             {floor:7.1f} emails/s   (one process, one connection, small messages)"
    )
    print(f"  duplicates at the SMTP server: {duplicates}; rows not sent: {not_sent}")
    print(
        f"  worker processes seen: {len(memory.processes_seen)} (a child is replaced after 500 tasks or 400 MB)"
    )
    grown = [memory.peak[pid] - memory.first[pid] for pid in memory.first]
    print(
        f"  resident memory: {min(memory.first.values()):.0f}-{max(memory.first.values()):.0f} MB at start, "
        f"peak {max(memory.peak.values()):.0f} MB, largest growth of one process {max(grown):.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument(
        "--render-processes", type=int, default=2, help="docker-compose.yml runs 2 (niced) on 2 cores"
    )
    args = parser.parse_args()
    teardown = django_with_bench_db("bench_invoice_emails")
    try:
        run(args.invoices, args.render_processes)
    finally:
        teardown()


if __name__ == "__main__":
    main()
