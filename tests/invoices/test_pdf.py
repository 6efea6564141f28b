import datetime
import gc
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import storages

from invoices import pdf as pdf_module
from invoices.pdf import invoice_pdf_bytes, pdf_cache_name
from payments.services.cancellation import invoice_cancel
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory, RemittanceInstructionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def us_invoice(account):
    RemittanceInstructionFactory(currency="USD")
    invoice = InvoiceFactory(
        account=account,
        number="INV-US-1001",
        po_number="PO-7781",
        subtotal=Decimal("24400.00"),
        tax=Decimal("2013.00"),
    )
    InvoiceLineFactory(
        invoice=invoice, order_number="ORD-55012", amount=Decimal("18000.00"), tax=Decimal("1485.00")
    )
    InvoiceLineFactory(
        invoice=invoice, order_number="ORD-55012", amount=Decimal("6400.00"), tax=Decimal("528.00")
    )
    return invoice


def test_pdf_shows_number_totals_balance_and_payment_instructions_in_english(us_invoice, read_pdf):
    text = read_pdf(invoice_pdf_bytes(invoice=us_invoice))
    assert "INV-US-1001" in text
    assert "$26,413.00" in text  # total = 24 400 + 2 013
    assert "Balance due" in text
    assert "Payment instructions" in text
    assert "000123456789" in text and "FCBKUS33" in text and "021000021" in text
    assert "PO Box 44471" in text  # remittance address for cheques
    assert "PO-7781" in text and "ORD-55012" in text


def test_pdf_puts_payment_instructions_top_right_and_remittance_address_on_the_right(us_invoice, read_pdf):
    first_page = read_pdf(invoice_pdf_bytes(invoice=us_invoice), layout=True).split("\f")[0]
    lines = first_page.splitlines()
    instructions = next(line for line in lines if "Payment instructions" in line)
    cheques = next(line for line in lines if "PO Box 44471" in line)
    assert instructions.index("Payment instructions") > len(instructions) // 3
    assert cheques.index("PO Box 44471") > len(cheques) // 3
    assert lines.index(instructions) < 12  # near the top of the page


def test_pdf_is_in_the_invoice_language_french(read_pdf):
    account = CustomerAccountFactory(country="FR", currency="EUR", language="fr")
    RemittanceInstructionFactory(
        currency="EUR",
        beneficiary="Vendor Cloud France SAS",
        account_number="FR76 3000 6000 0112 3456 7890 189",
    )
    invoice = InvoiceFactory(
        account=account, number="INV-FR-2001", subtotal=Decimal("9600.00"), tax=Decimal("1920.00")
    )
    InvoiceLineFactory(invoice=invoice, amount=Decimal("9600.00"), tax=Decimal("1920.00"))
    invoice.issue_date = datetime.date(2026, 3, 2)
    invoice.due_date = datetime.date(2026, 4, 1)
    invoice.save()
    text = " ".join(read_pdf(invoice_pdf_bytes(invoice=invoice)).split())
    # Amounts and dates in French whatever the reader's language (labels follow the French catalog).
    assert "11 520,00 €" in text
    assert "1 avril 2026" in text
    assert "$" not in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text


def test_pdf_number_is_printed_on_every_page(us_invoice, read_pdf):
    for position in range(3, 160):
        InvoiceLineFactory(invoice=us_invoice, position=position, amount=Decimal("0.00"), tax=Decimal("0.00"))
    pages = [page for page in read_pdf(invoice_pdf_bytes(invoice=us_invoice)).split("\f") if page.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "INV-US-1001" in page
        assert f"Page {number} / {len(pages)}" in page


def test_pdf_is_tagged_pdf_ua(us_invoice, tmp_path):
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoice_pdf_bytes(invoice=us_invoice))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Invoice INV-US-1001" in info
    assert 'pdfuaid:part="1"' in meta


def test_pdf_is_cached_per_version_and_rendered_again_when_the_invoice_changes(
    us_invoice, read_pdf, monkeypatch
):
    renders = []
    real_render = pdf_module.invoice_pdf_render
    monkeypatch.setattr(pdf_module, "invoice_pdf_render", lambda **kw: renders.append(1) or real_render(**kw))

    first = invoice_pdf_bytes(invoice=us_invoice)
    again = invoice_pdf_bytes(invoice=us_invoice)
    assert first == again and len(renders) == 1
    assert storages["private"].exists(pdf_cache_name(invoice=us_invoice))

    invoice_cancel(invoice=us_invoice, actor=None, reason="Ordered twice")
    us_invoice.refresh_from_db()
    changed = invoice_pdf_bytes(invoice=us_invoice)
    assert len(renders) == 2
    assert "Cancelled" in read_pdf(changed)
    assert "CM-INV-US-1001-1" in read_pdf(changed)


def test_collector_is_paused_while_rendering_and_back_on_after():
    seen = []
    with pdf_module.collector_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()

    gc.disable()  # paused already (by another render, or by start-up): left as it was
    try:
        with pdf_module.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
