"""Invoice PDF: rendered by WeasyPrint in the invoice's language, cached per invoice version.

A changed invoice (new line, payment, credit memo, state) has a new version, hence a new file name:
stale PDFs are never served. The cache lives in the "private" storage (PRIVATE_FILES_ROOT), which every
web process shares in production and which has no URL: only the PDF view, after its access check, hands
a PDF out.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Prefetch
from django.template.defaultfilters import date as date_format
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.money import format_money
from invoices.models import Invoice, InvoiceLine
from invoices.payment_ways import PaymentWays, invoice_payment_ways
from invoices.pdf_columns import PERIOD_MAX_MM, column_width_mm, css_widths

logger = logging.getLogger(__name__)
# WeasyPrint logs every rendering step at INFO: keep its warnings (missing fonts, bad CSS) only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Bump when the PDF layout changes, so every cached PDF is rendered again with the new layout.
PDF_LAYOUT_REVISION = 5
PDF_VARIANT = "pdf/ua-1"  # tagged PDF for screen readers (WeasyPrint ≥ 63 knows it)


def pdf_cache_name(*, invoice: Invoice, payment_ways: PaymentWays | None = None) -> str:
    """Per invoice version, language, layout and the method policy's decision for its payment block
    (a change of the configured card-only threshold is not a new invoice version, yet changes the PDF)."""
    safe_number = re.sub(r"[^A-Za-z0-9._-]", "_", invoice.number)
    ways = payment_ways if payment_ways is not None else invoice_payment_ways(invoice=invoice)
    variant = "-" + re.sub(r"[^A-Za-z0-9.]", "_", ways.variant) if ways.variant else ""
    return (
        f"invoices/pdf/{invoice.account_id}/{safe_number}"
        f"-v{invoice.version}-{invoice.language}-r{PDF_LAYOUT_REVISION}{variant}.pdf"
    )


def pdf_file_name(*, invoice: Invoice) -> str:
    """The name the customer's browser saves: the invoice number."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", invoice.number) + ".pdf"


def pdf_variant_supported() -> str | None:
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:  # pragma: no cover — very old WeasyPrint
        return None
    return PDF_VARIANT if PDF_VARIANT in VARIANTS else None


def line_column_widths(*, lines: list[InvoiceLine], currency: str) -> list[str]:
    """CSS widths of the lines table's columns (description, period, quantity, unit price, amount, tax) for
    the values as the template prints them in the active language."""
    descriptions = [line.display_description for line in lines]
    descriptions += [f"{gettext('Order')} {line.order_number}" for line in lines if line.order_number]
    dated = [line for line in lines if line.service_start]
    period_starts = [f"{date_format(line.service_start, 'SHORT_DATE_FORMAT')} –" for line in dated]
    periods = [
        f"{start} {date_format(line.service_end, 'SHORT_DATE_FORMAT')}"
        for start, line in zip(period_starts, dated, strict=True)
    ]
    money = {
        field: [format_money(getattr(line, field), currency) for line in lines]
        for field in ("unit_price", "amount", "tax")
    }
    widths = [
        column_width_mm(header=gettext("Description"), values=descriptions),
        min(column_width_mm(header=gettext("Service period"), values=periods), PERIOD_MAX_MM),
        column_width_mm(
            header=gettext("Quantity"), values=[floatformat(line.quantity, "-4") for line in lines]
        ),
        column_width_mm(header=gettext("Unit price"), values=money["unit_price"]),
        column_width_mm(header=gettext("Amount"), values=money["amount"]),
        column_width_mm(header=gettext("Tax"), values=money["tax"]),
    ]
    return css_widths(
        widths, period_wrapped_mm=column_width_mm(header=gettext("Service period"), values=period_starts)
    )


def invoice_pdf_context(*, invoice: Invoice) -> dict:
    from invoices.selectors import invoice_applied_entries, invoice_order_numbers, remittance_for_currency

    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "account": invoice.account,
        "lines": lines,
        "line_columns": line_column_widths(lines=lines, currency=invoice.currency),
        "applied": invoice_applied_entries(invoice=invoice),
        "remittance": remittance_for_currency(currency=invoice.currency),
        "payment_ways": invoice_payment_ways(invoice=invoice),  # in the invoice's language: notes are text
        "order_numbers": invoice_order_numbers(invoice=invoice),
        "portal_url": settings.SITE_URL.rstrip("/") + reverse("invoices:detail", args=[invoice.number]),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
        "generated_at": timezone.now(),
    }


def invoice_pdf_html(*, invoice: Invoice) -> str:
    """The invoice document as HTML, in the invoice's language (the plain and the Factur-X PDF share it)."""
    with translation.override(invoice.language):
        return render_to_string("invoices/pdf/invoice.html", invoice_pdf_context(invoice=invoice))


@functools.cache
def pdf_font_config():
    """WeasyPrint's font configuration (a fontconfig set-up), built once per process instead of once per
    PDF. The HTML template is compiled once per process by Django's cached loader."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while WeasyPrint renders, then one collection of the youngest
    generation, which holds all the render made.

    A 10-page invoice makes some 140,000 objects (boxes, styles, text layouts) that live until the PDF is
    written: as they pile up, the collector moves them to its oldest generation and scans that whole
    generation (every object of the process not frozen at start-up) two or three times per render, a fifth
    of the render time. Collecting only the render's own objects at the end frees its reference cycles
    (memory peaks ~20 MB higher during a 10-page render, then is back). Process-wide: a render in another
    thread meanwhile runs with the collector off until the first of them is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def html_to_pdf(html: str, **options) -> bytes:
    """`html` as a PDF by WeasyPrint (imported here: importing it costs ~0.6 s), with the process's font
    configuration, the collector paused."""
    from weasyprint import HTML

    with collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=pdf_font_config(), **options
        )


def pdf_ua_options() -> dict:
    variant = pdf_variant_supported()
    return {"pdf_variant": variant} if variant else {}


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """Render the PDF now, without the cache."""
    return html_to_pdf(invoice_pdf_html(invoice=invoice), **pdf_ua_options())


def private_cache_get_or_render(*, invoice: Invoice, name: str, render: Callable[[], bytes]) -> bytes:
    """The cached file `name` of this invoice version, or `render()` once and cache it (private storage)."""
    private_storage = storages["private"]
    if private_storage.exists(name):
        with private_storage.open(name, "rb") as cached:
            return cached.read()
    data = render()
    # Cache only if nothing changed the invoice while it rendered, else the file would carry a stale balance.
    if Invoice.objects.filter(pk=invoice.pk, version=invoice.version).exists() and not private_storage.exists(
        name
    ):
        saved = private_storage.save(name, ContentFile(data))
        if saved != name:  # another process cached it at the same moment: keep one copy
            private_storage.delete(saved)
    return data


def invoice_fresh(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_related("account")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")))
        .get(pk=invoice.pk)
    )


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The PDF of the invoice's current version: from the cache, or rendered once and cached."""
    invoice = invoice_fresh(invoice)
    name = pdf_cache_name(invoice=invoice, payment_ways=invoice_payment_ways(invoice=invoice))
    return private_cache_get_or_render(
        invoice=invoice, name=name, render=lambda: invoice_pdf_render(invoice=invoice)
    )
