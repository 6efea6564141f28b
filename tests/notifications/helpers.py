"""Reading what a worker actually sent: the file email backend writes each message under its mail folder."""

from __future__ import annotations

import email
import time
from collections import Counter
from pathlib import Path

SEPARATOR = "-" * 79  # what Django's file backend writes after each message


def sent_messages(mail_dir: Path) -> list[email.message.Message]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for chunk in path.read_text().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.lstrip("\n")))
    return messages


def sent_keys(mail_dir: Path) -> Counter:
    """How many times each outbox row (X-Outbox-Key) was sent."""
    return Counter(message["X-Outbox-Key"] for message in sent_messages(mail_dir))


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
