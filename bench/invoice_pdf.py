"""Invoice PDF render time: median for a 1-page and a 10-page invoice (WeasyPrint, warm process, no cache),
plain PDF/UA-1 and Factur-X (EN 16931 XML built and XSD-checked, PDF/A-3b with the XML embedded), next to
the baseline: the same lines as an unstyled HTML table (its page count may differ: compare ms/page).

.venv/bin/python bench/invoice_pdf.py
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from decimal import Decimal

from _bench_db import django_with_bench_db

RUNS = 10


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


def timed(render) -> tuple[bytes, list[float]]:
    render()  # warm up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        data = render()
        times.append((time.perf_counter() - start) * 1000)
    return data, times


def unstyled_table_render(invoice) -> bytes:
    """The baseline: the invoice's lines as a bare HTML table, no stylesheet, same PDF/UA variant."""
    from django.utils.html import escape
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>{escape(line.display_description)}</td><td>{line.service_start or ''}</td><td>{line.quantity}</td>"
        f"<td>{line.unit_price}</td><td>{line.amount}</td><td>{line.tax}</td></tr>"
        for line in invoice.lines.all()
    )
    html = (
        f'<html lang="en"><head><title>{escape(invoice.number)}</title></head><body><h1>{escape(invoice.number)}</h1>'
        f"<table><thead><tr><th>Description</th><th>Period</th><th>Qty</th><th>Price</th><th>Amount</th>"
        f"<th>Tax</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def run() -> None:
    from invoices.einvoicing.pdf import invoice_facturx_render
    from invoices.pdf import invoice_fresh, invoice_pdf_render

    print(f"Invoice PDF render (WeasyPrint), median of {RUNS} runs, warm process")
    print(f"{'variant':>9} {'pages':>6} {'lines':>6} {'median ms':>10} {'ms/page':>8} {'min ms':>8}")
    for pages in (1, 10):
        invoice, lines = invoice_with_pages(pages)
        invoice = invoice_fresh(invoice)
        variants = {
            "PDF/UA-1": lambda invoice=invoice: invoice_pdf_render(invoice=invoice),
            "Factur-X": lambda invoice=invoice: invoice_facturx_render(invoice=invoice)[0],
            "baseline": lambda invoice=invoice: unstyled_table_render(invoice),
        }
        for name, render in variants.items():
            data, times = timed(render)
            count = page_count(data)
            median = statistics.median(times)
            print(
                f"{name:>9} {count:>6} {lines:>6} {median:>10.0f} {median / count:>8.0f} {min(times):>8.0f}"
            )


if __name__ == "__main__":
    main()
