"""Files sent with a request: PDF, PNG or JPEG, recognised by their first bytes (never by name or by the
browser's claimed type), 10 MB each, 5 per message, stored in the private storage under a random name."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from support.models import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_MESSAGE,
    RequestAttachment,
    RequestMessage,
)

# (magic bytes, content type, extension): the only files accepted.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class AttachmentRefused(ValueError):
    """A file that is not accepted; the message names it and is safe to show."""


@dataclass(frozen=True)
class IncomingFile:
    name: str
    data: bytes


def sniff_content_type(data: bytes) -> str | None:
    for magic, content_type, _extension in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return "".join(ch for ch in base if ch.isprintable())[:200]


def attachments_check(files: Sequence[IncomingFile]) -> list[tuple[IncomingFile, str]]:
    """Each file with its content type as its bytes say; AttachmentRefused for the first one refused."""
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise AttachmentRefused(
            _("At most %(count)s files per message.") % {"count": MAX_ATTACHMENTS_PER_MESSAGE}
        )
    checked = []
    for incoming in files:
        name = _safe_name(incoming.name)
        if not incoming.data:
            raise AttachmentRefused(_("%(name)s is empty.") % {"name": name})
        if len(incoming.data) > MAX_ATTACHMENT_BYTES:
            raise AttachmentRefused(_("%(name)s is larger than 10 MB.") % {"name": name})
        content_type = sniff_content_type(incoming.data)
        if content_type is None:
            raise AttachmentRefused(
                _("%(name)s is not a PDF, PNG or JPEG file (whatever its name says).") % {"name": name}
            )
        checked.append((IncomingFile(name=name, data=incoming.data), content_type))
    return checked


def attachments_store(
    *, message: RequestMessage, files: Sequence[IncomingFile], uploaded_by
) -> list[RequestAttachment]:
    """Check then store every file of a message (in the caller's transaction: all or none)."""
    stored = []
    for incoming, content_type in attachments_check(files):
        attachment = RequestAttachment(
            request=message.request,
            message=message,
            token=secrets.token_hex(16),
            name=incoming.name,
            content_type=content_type,
            size=len(incoming.data),
            sha256=hashlib.sha256(incoming.data).hexdigest(),
            uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        )
        attachment.file.save(attachment.token, ContentFile(incoming.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def attachment_bytes(attachment: RequestAttachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()
