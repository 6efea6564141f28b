"""Dates written for the reader, cached: list pages write the same few hundred dates on every request."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language


def date_text(value: datetime.date, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """`date_format(value, format_name)` in the active language, computed once per date, format and language."""
    return _date_text(value, format_name, get_language())


@lru_cache(maxsize=8192)
def _date_text(value: datetime.date, format_name: str, language: str | None) -> str:
    return date_format(value, format_name)  # in `language`: the active one, part of the cache key
