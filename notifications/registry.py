"""Which function renders each kind of email. Each app registers its own kinds in its AppConfig.ready().

A builder takes the outbox row and returns a RenderedEmail, or None when there is nothing to say any more
(the invitation was revoked, the lot was spent meanwhile): the row is then marked skipped. It runs in the
row's language (translation already activated) and outside any transaction: it reads, never writes.

A kind registered with `render_ahead=True` has a builder that is slow the first time and cached after (its
attachments, such as an invoice PDF, are kept per version): its rows go first to a render task on a queue
of its own (notifications/tasks.py), which runs the builder once and publishes the send, so that sends
never wait behind PDF rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifications.models import OutboxEmail


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    to: list[str] = field(default_factory=list)  # empty: the recipients recorded on the row
    cc: list[str] = field(default_factory=list)
    html: str = ""
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)  # (file name, content, mimetype)
    from_email: str = ""  # empty: DEFAULT_FROM_EMAIL
    headers: dict[str, str] = field(default_factory=dict)


Builder = Callable[["OutboxEmail"], RenderedEmail | None]

_BUILDERS: dict[str, Builder] = {}
_RENDERED_AHEAD: set[str] = set()


class UnknownEmailKind(LookupError):
    pass


def builder_register(*, kind: str, builder: Builder, render_ahead: bool = False) -> None:
    """Register the builder of one kind; registering another builder for a known kind is a bug."""
    known = _BUILDERS.get(kind)
    if known is not None and known is not builder:
        raise ValueError(f"Email kind {kind!r} already has a builder: {known!r}")
    _BUILDERS[kind] = builder
    if render_ahead:
        _RENDERED_AHEAD.add(kind)


def rendered_ahead(*, kind: str) -> bool:
    return kind in _RENDERED_AHEAD


def builder_for(*, kind: str) -> Builder:
    try:
        return _BUILDERS[kind]
    except KeyError:
        raise UnknownEmailKind(f"No builder registered for email kind {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_BUILDERS)
