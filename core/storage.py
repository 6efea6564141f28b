"""Private file storage: documents that only a view checking access may hand out.

Cached invoice PDFs (and any upload) live here, outside STATIC_ROOT and with no URL: nothing in the
portal serves this directory, in development or in production. A view reads the file after its own
permission check and answers with the bytes (invoices.views.pdf).
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "A private file has no public URL: serve it through a view that checks access."
        )
