"""How a delivery is signed, and how a receiver checks it (the same code, documented on the docs page).

Headers of every delivery:

    Webhook-Id: evt_…                      the event id: the same on every retry; deduplicate on it
    Webhook-Timestamp: 1767225600          Unix seconds when this attempt was signed
    Webhook-Signature: v1=<hex>            HMAC-SHA256(secret, f"{timestamp}.{raw body}")

A receiver recomputes the HMAC over the raw body it received, compares in constant time, and refuses a
timestamp more than 5 minutes away from its clock (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_VERSION = "v1"
TOLERANCE_SECONDS = 300


def endpoint_secret_new() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    *, secret: str, event_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": "CustomerCenter-Webhooks/1",
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": f"{SIGNATURE_VERSION}={signature(secret=secret, timestamp=timestamp, body=body)}",
    }


def signature_verify(
    *, secret: str, body: bytes, timestamp: str, header: str, now: float | None = None
) -> bool:
    """The receiver's check (copy it): the right HMAC, and a timestamp within 5 minutes of now."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret=secret, timestamp=sent_at, body=body)
    candidates = [part.split("=", 1)[1] for part in header.split(",") if part.strip().startswith("v1=")]
    return any(hmac.compare_digest(expected, candidate.strip()) for candidate in candidates)
