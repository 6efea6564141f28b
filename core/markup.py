"""Small pieces of markup written in Python for rows of long lists (an include per row costs a render)."""

from __future__ import annotations

import html

from django.utils.safestring import SafeString, mark_safe


def escape_text(value: object) -> str:
    """Django's escape() without its check for lazy strings on every call, for the values of rows written
    in Python and marked safe once whole (the same characters escaped the same way)."""
    return html.escape(str(value))


def status_badge(status: str, label: str) -> SafeString:
    """The markup of includes/status_badge.html."""
    return mark_safe(f'<span class="badge badge--{escape_text(status)}">{escape_text(label)}</span>')  # noqa: S308


def translated_with_number(translated: str, number: str) -> SafeString:
    """A translated "… %(number)s …" as {% blocktranslate %} renders it: the translation as is, the number
    escaped."""
    return translated_with(translated, number=number)


def translated_with(translated: str, **values: str) -> SafeString:
    """A translated "… %(name)s …" (markup allowed) as {% blocktranslate with name=… %} renders it: the
    translation as is, each value escaped."""
    escaped = {name: escape_text(value) for name, value in values.items()}
    return mark_safe(translated % escaped)  # noqa: S308 — only the values vary, escaped
