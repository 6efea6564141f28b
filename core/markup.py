"""Small pieces of markup written in Python for rows of long lists (an include per row costs a render)."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def status_badge(status: str, label: str) -> SafeString:
    """The markup of includes/status_badge.html."""
    return format_html('<span class="badge badge--{}">{}</span>', status, label)


def translated_with_number(translated: str, number: str) -> SafeString:
    """A translated "… %(number)s …" as {% blocktranslate %} renders it: the translation as is, the number
    escaped."""
    return translated_with(translated, number=number)


def translated_with(translated: str, **values: str) -> SafeString:
    """A translated "… %(name)s …" (markup allowed) as {% blocktranslate with name=… %} renders it: the
    translation as is, each value escaped."""
    escaped = {name: escape(value) for name, value in values.items()}
    return mark_safe(translated % escaped)  # noqa: S308 — only the values vary, escaped
