import subprocess
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text of a PDF, read back with poppler's pdftotext (pages separated by form feeds)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "invoice.pdf"
        path.write_bytes(data)
        args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def read_pdf():
    return pdf_text
