"""Checking a signed webhook payload against the shapes we read, before it is stored or applied.

A signature says who sent the bytes, not that they are what our code expects: a list where an object
should be, a 300-character id, a string where the metadata object should be used to give a 500 and leave
an event that failed on every retry. Each provider module states its shapes with these helpers; the first
mismatch raises ShapeError naming the path ("data.object.metadata: expected an object").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core.money import currency_is_in_use
from payments.providers.base import WebhookRejected

EVENT_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,255}")  # the event_id column holds 255
MAX_TEXT = 255
AMOUNT_PATTERN = re.compile(r"\d{1,12}(\.\d{1,2})?")  # PayPal's decimal strings; our money column: 14, 2


class ShapeError(ValueError):
    pass


def obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ShapeError(f"{where}: expected an object")
    return value


def optional_obj(value: Any, where: str) -> Mapping[str, Any]:
    return {} if value is None else obj(value, where)


def text(value: Any, where: str, *, max_length: int = MAX_TEXT, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ShapeError(f"{where}: expected text")
    if len(value) > max_length:
        raise ShapeError(f"{where}: longer than {max_length} characters")
    return value


def event_id(value: Any, where: str = "id") -> str:
    if not isinstance(value, str) or not EVENT_ID_PATTERN.fullmatch(value):
        raise ShapeError(f"{where}: expected an event id (letters, digits, _ . : -, at most 255)")
    return value


def integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ShapeError(f"{where}: expected a whole number ≥ 0")
    return int(value)


def currency(value: Any, where: str) -> str:
    code = text(value, where, max_length=3).upper()
    if not currency_is_in_use(code):
        raise ShapeError(f"{where}: {value!r} is not a currency in use (ISO 4217)")
    return code


def decimal_amount(value: Any, where: str) -> Decimal:
    if not isinstance(value, str) or not AMOUNT_PATTERN.fullmatch(value):
        raise ShapeError(f'{where}: expected an amount such as "3000.00"')
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover — the pattern admits only decimals
        raise ShapeError(f"{where}: expected an amount") from None


def contains_nul(value: Any) -> bool:
    """PostgreSQL text and jsonb can't hold NUL (0x00): such an event can't be stored as it came."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


def rejected(reason: str, *, body: bytes, payload: Any, type_key: str) -> WebhookRejected:
    """The WebhookRejected to raise for a signed body: its own id when usable, else the body's hash."""
    given_id = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(given_id, str) or not EVENT_ID_PATTERN.fullmatch(given_id):
        given_id = "sha256:" + hashlib.sha256(body).hexdigest()  # the same on every retry of this body
    given_type = payload.get(type_key) if isinstance(payload, dict) else None
    return WebhookRejected(
        reason,
        event_id=given_id,
        event_type=given_type.replace("\x00", "")[:100] if isinstance(given_type, str) else "",
        payload=without_nul(payload),
    )
