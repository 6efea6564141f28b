"""CSV exports opened in a spreadsheet: a text cell must never run as a formula."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text_cell(value: object) -> str:
    """Free text for a CSV cell, prefixed with a quote when a spreadsheet would read it as a formula.

    Only for text: a negative amount written through it would become text too.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
