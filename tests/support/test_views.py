"""The customer's pages: filing a request with files, a refused file keeps the form, the conversation,
files and credit memo PDFs behind access checks (issue 13)."""

import datetime
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.models import InvoiceState
from support.models import Outcome, RequestKind, SupportRequest
from support.services import request_close, request_open
from tests.factories import staff_user
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory
from tests.payments.factories import RemittanceAdviceFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_dispute_two_lines_with_a_pdf_in_french(client_of, account, billing_contact):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))
    lines = [
        InvoiceLineFactory(invoice=invoice, position=n, amount=Decimal("1000.00"), tax=Decimal("0.00"))
        for n in (1, 2, 3)
    ]
    client = client_of(billing_contact)
    form = client.get(
        reverse("support:new"), {"kind": "dispute", "invoice": invoice.number}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert lines[0].display_description in form.content.decode()
    response = client.post(
        reverse("support:new"),
        {
            "kind": "dispute",
            "invoice": invoice.number,
            "lines": [lines[0].pk, lines[1].pk],
            "dispute_reason": "duplicate",
            "description": "Ces deux lignes sont facturées deux fois.",
            "files": [SimpleUploadedFile("bon.pdf", PDF, content_type="application/pdf")],
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    req = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("support:detail", args=[req.pk])
    assert req.contested_amount == Decimal("2000.00")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DISPUTED
    page = client.get(response["Location"]).content.decode()
    assert "bon.pdf" in page
    file = client.get(reverse("support:attachment", args=[req.pk, req.attachments.get().token]))
    assert file["Content-Type"] == "application/pdf" and file.content == PDF
    assert "private" in file["Cache-Control"]


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_form_is_kept(
    client_of, account, billing_contact
):
    response = client_of(billing_contact).post(
        reverse("support:new"),
        {
            "kind": "po_number",
            "po_number": "PO-KEEP-77",
            "description": "Merci de reprendre ce bon de commande.",
            "files": [SimpleUploadedFile("bon.pdf", b"MZ\x90\x00executable", content_type="application/pdf")],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "bon.pdf is not a PDF, PNG or JPEG file" in page
    assert 'value="PO-KEEP-77"' in page and "Merci de reprendre ce bon de commande." in page
    assert not SupportRequest.objects.exists()


def test_late_transfer_is_prefilled_from_the_transfer_announcement(client_of, account, billing_contact):
    """Seed: « contacter l'assistance de facturation en indiquant le numéro de la facture, ainsi que la date et
    le montant total du paiement »."""
    invoice = InvoiceFactory(account=account)
    RemittanceAdviceFactory(invoice=invoice, paid_on=datetime.date(2026, 11, 9), amount=Decimal("1200.00"))
    page = (
        client_of(billing_contact)
        .get(reverse("support:new"), {"kind": "late_transfer", "invoice": invoice.number})
        .content.decode()
    )
    assert 'value="2026-11-09"' in page and 'value="1200.00"' in page


def test_a_viewer_reads_requests_but_cannot_file_or_reply(client_of, account, billing_contact, viewer):
    req = request_open(account=account, user=billing_contact, kind=RequestKind.OTHER, description="Question")
    client = client_of(viewer)
    assert client.get(reverse("support:detail", args=[req.pk])).status_code == 200
    assert client.get(reverse("support:new")).status_code == 403
    assert client.post(reverse("support:reply", args=[req.pk]), {"body": "x"}).status_code == 403


def test_customer_reply_puts_a_request_waiting_for_them_back_in_review(client_of, account, billing_contact):
    from support.services import request_message_post

    req = request_open(account=account, user=billing_contact, kind=RequestKind.OTHER, description="Question")
    request_message_post(
        support_request=req, author=staff_user(), body="Quel contrat ?", by_staff=True, wait_for_customer=True
    )
    req.refresh_from_db()
    assert req.status == "waiting_for_customer"
    client_of(billing_contact).post(reverse("support:reply", args=[req.pk]), {"body": "Le contrat CT-1."})
    req.refresh_from_db()
    assert req.status == "in_review"


@pytest.mark.parametrize(
    ("language", "title", "total"),
    [("fr", "Avoir", "Total crédité"), ("en", "Credit memo", "Total credited")],
)
def test_credit_memo_pdf_in_the_invoice_language_lists_the_credited_lines(
    client_of, account, billing_contact, language, title, total, tmp_path
):
    invoice = InvoiceFactory(
        account=account, subtotal=Decimal("1500.00"), tax=Decimal("0.00"), language=language
    )
    InvoiceLineFactory(
        invoice=invoice, position=1, amount=Decimal("1000.00"), tax=Decimal("0.00"), description="Licence A"
    )
    line = InvoiceLineFactory(
        invoice=invoice, position=2, amount=Decimal("500.00"), tax=Decimal("0.00"), description="Support B"
    )
    req = request_open(
        account=account, user=billing_contact, kind=RequestKind.DISPUTE, invoice=invoice, lines=[line]
    )
    request_close(support_request=req, outcome=Outcome.CREDIT_MEMO, message="OK", actor=staff_user())
    req.refresh_from_db()
    client = client_of(billing_contact)
    assert req.credit_memo.number in client.get(reverse("support:documents")).content.decode()
    assert (
        req.credit_memo.number
        in client.get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    )
    response = client.get(reverse("support:credit_memo_pdf", args=[req.credit_memo.number]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "memo.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert title in text and total in text and "Support B" in text and "Licence A" not in text
