"""Filing a request: the typed fields per kind, a dispute marks its invoice disputed, files are checked by
content (issue 13)."""

from decimal import Decimal

import pytest

from invoices.models import InvoiceState
from support.attachments import AttachmentRefused, IncomingFile
from support.models import RequestKind, RequestStatus, SupportRequest
from support.services import SupportError, request_open
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_dispute_marks_the_invoice_disputed_with_an_event(account, billing_contact):
    invoice = InvoiceFactory(account=account)
    req = request_open(
        account=account,
        user=billing_contact,
        kind=RequestKind.DISPUTE,
        description="Le service n'a jamais été activé.",
        invoice=invoice,
        fields={"dispute_reason": "not_received"},
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DISPUTED
    assert invoice.events.get().to_state == InvoiceState.DISPUTED
    assert req.status == RequestStatus.SUBMITTED
    assert req.contested_amount == invoice.total
    assert req.messages.get().body == "Le service n'a jamais été activé."


def test_a_partial_dispute_contests_its_lines_with_their_tax(account, billing_contact):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("600.00"))
    lines = [InvoiceLineFactory(invoice=invoice, position=n) for n in (1, 2, 3)]
    req = request_open(
        account=account, user=billing_contact, kind=RequestKind.DISPUTE, invoice=invoice, lines=lines[:2]
    )
    assert req.contested_amount == Decimal("2400.00")
    assert set(req.lines.all()) == set(lines[:2])


def test_a_second_dispute_on_the_same_invoice_is_refused(account, billing_contact):
    invoice = InvoiceFactory(account=account)
    request_open(account=account, user=billing_contact, kind=RequestKind.DISPUTE, invoice=invoice)
    with pytest.raises(SupportError):
        request_open(account=account, user=billing_contact, kind=RequestKind.DISPUTE, invoice=invoice)


def test_vat_request_is_refused_without_a_certificate(account, billing_contact):
    """Seed: « Assurez-vous d'inclure le numéro fiscal et le certificat de TVA … en pièce jointe »."""
    with pytest.raises(SupportError, match="certificate"):
        request_open(
            account=account,
            user=billing_contact,
            kind=RequestKind.TAX_NUMBER,
            fields={"tax_number": "FR40303265045", "tax_country": "FR"},
        )
    assert not SupportRequest.objects.exists()
    req = request_open(
        account=account,
        user=billing_contact,
        kind=RequestKind.TAX_NUMBER,
        fields={"tax_number": "FR40303265045", "tax_country": "FR"},
        files=[IncomingFile(name="certificat.pdf", data=PDF)],
    )
    [attachment] = req.attachments.all()
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith(f"support/{account.pk}/{req.pk}/")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("facture.pdf", b"MZ\x90\x00 not a pdf", "not a PDF, PNG or JPEG"),
        ("photo.png", b"%!PS-Adobe", "not a PDF, PNG or JPEG"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_a_file_is_checked_by_its_content_not_its_name(account, billing_contact, name, data, problem):
    with pytest.raises(AttachmentRefused, match=problem):
        request_open(
            account=account,
            user=billing_contact,
            kind=RequestKind.OTHER,
            description="x",
            files=[IncomingFile(name=name, data=data)],
        )
    assert not SupportRequest.objects.exists()


def test_at_most_five_files_per_message(account, billing_contact):
    with pytest.raises(AttachmentRefused, match="At most 5"):
        request_open(
            account=account,
            user=billing_contact,
            kind=RequestKind.OTHER,
            description="x",
            files=[IncomingFile(name=f"{n}.png", data=PNG) for n in range(6)],
        )


def test_a_disputed_invoice_pauses_reminders_and_automatic_payment_but_can_still_be_paid(
    account, billing_contact, client_of
):
    from django.urls import reverse

    from invoices.emails import EmailKind, invoice_email_build
    from invoices.models import Invoice
    from notifications.models import OutboxEmail

    invoice = InvoiceFactory(account=account)
    request_open(account=account, user=billing_contact, kind=RequestKind.DISPUTE, invoice=invoice)
    assert not Invoice.objects.payable().filter(pk=invoice.pk).exists()  # autopay and credit leave it alone
    reminder = OutboxEmail(kind=EmailKind.REMINDER, dedupe_key="x", object_id=invoice.pk)
    assert invoice_email_build(reminder) is None
    page = (
        client_of(billing_contact).get(f"{reverse('payments:pay')}?invoice={invoice.number}").content.decode()
    )
    assert 'data-testid="disputed-notice"' in page and "You can still pay it here." in page
    assert 'data-testid="pay-continue"' in page
