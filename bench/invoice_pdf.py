"""Invoice PDF render time: median for a 1-page and a 10-page invoice (WeasyPrint, warm process, no cache).

.venv/bin/python bench/invoice_pdf.py
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from decimal import Decimal

from _bench_db import django_with_bench_db

RUNS = 7


def main() -> None:
    teardown = django_with_bench_db("bench_invoice_pdf")
    try:
        run()
    finally:
        teardown()


def page_count(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def invoice_with_pages(pages: int):
    from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory, RemittanceInstructionFactory

    RemittanceInstructionFactory(currency="USD")
    invoice = InvoiceFactory(subtotal=Decimal("1000.00"), tax=Decimal("200.00"))
    InvoiceLineFactory(invoice=invoice, position=1)
    from invoices.pdf import invoice_pdf_render

    lines = 1
    while page_count(invoice_pdf_render(invoice=invoice)) < pages:
        batch = 30 if pages - page_count(invoice_pdf_render(invoice=invoice)) > 1 else 3
        for _ in range(batch):
            lines += 1
            InvoiceLineFactory(invoice=invoice, position=lines, amount=Decimal("0.00"), tax=Decimal("0.00"))
    return invoice, lines


def run() -> None:
    from invoices.pdf import _fresh, invoice_pdf_render

    invoice_pdf_render  # noqa: B018 — importing WeasyPrint happens on first render, below
    print(f"Invoice PDF render (WeasyPrint, PDF/UA-1), median of {RUNS} runs, warm process")
    print(f"{'pages':>6} {'lines':>6} {'median ms':>10} {'min ms':>8}")
    for pages in (1, 10):
        invoice, lines = invoice_with_pages(pages)
        invoice = _fresh(invoice)
        invoice_pdf_render(invoice=invoice)  # warm up
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            data = invoice_pdf_render(invoice=invoice)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{page_count(data):>6} {lines:>6} {statistics.median(times):>10.0f} {min(times):>8.0f}")


if __name__ == "__main__":
    main()
