"""Who receives e-invoices and how: the invoice email, the downloads on the list and the invoice page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from facturx import get_facturx_xml_from_pdf

from accounts.models import ActivityEntry, EInvoiceFormat
from invoices.services import invoice_issue
from tests.factories import MembershipFactory, staff_sign_in, staff_user
from tests.invoices.factories import CreditMemoFactory, DraftInvoiceFactory
from tests.invoices.test_einvoicing import french_account, invoice_with_lines

pytestmark = pytest.mark.django_db


def issue_and_send(account, number, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(invoice=DraftInvoiceFactory(account=account, number=number))
    (message,) = mail.outbox
    return message


def test_a_french_account_receives_the_factur_x_pdf_by_default(django_capture_on_commit_callbacks):
    message = issue_and_send(french_account(), "INV-FR-1", django_capture_on_commit_callbacks)
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("INV-FR-1-facturx.pdf", "application/pdf")
    filename, xml = get_facturx_xml_from_pdf(content, check_xsd=True)
    assert filename == "factur-x.xml" and b"<ram:ID>INV-FR-1</ram:ID>" in xml


def test_other_accounts_receive_the_plain_pdf_unless_they_ask(account, django_capture_on_commit_callbacks):
    assert account.country == "US" and account.effective_einvoice_format == EInvoiceFormat.PDF
    message = issue_and_send(account, "INV-US-9", django_capture_on_commit_callbacks)
    assert [name for name, _content, _type in message.attachments] == ["INV-US-9.pdf"]


def test_an_account_that_asked_for_ubl_receives_the_pdf_and_the_ubl_xml(
    account, django_capture_on_commit_callbacks
):
    account.einvoice_format = EInvoiceFormat.UBL
    account.save()
    message = issue_and_send(account, "INV-US-10", django_capture_on_commit_callbacks)
    (pdf, ubl) = message.attachments
    assert pdf[0] == "INV-US-10.pdf"
    assert (ubl[0], ubl[2]) == ("INV-US-10-ubl.xml", "application/xml")
    assert b"<cbc:ID>INV-US-10</cbc:ID>" in ubl[1]


def test_with_e_invoicing_off_french_accounts_get_the_plain_pdf(settings, django_capture_on_commit_callbacks):
    settings.EINVOICE_ENABLED = False
    message = issue_and_send(french_account(), "INV-FR-2", django_capture_on_commit_callbacks)
    assert [name for name, _content, _type in message.attachments] == ["INV-FR-2.pdf"]


@pytest.fixture
def french_viewer(client):
    account = french_account()
    user = MembershipFactory(account=account, role="viewer").user
    client.force_login(user)
    return account, user


def test_the_invoice_page_and_the_list_offer_the_e_invoice_downloads(client, french_viewer):
    account, _user = french_viewer
    invoice = invoice_with_lines(account, [(Decimal(20), Decimal("100.00"))])
    CreditMemoFactory(invoice=invoice, number="CM-FR-1", amount=Decimal("12.00"))
    page = client.get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    for url in (
        reverse("invoices:facturx", args=[invoice.number]),
        reverse("invoices:xml", args=[invoice.number, "cii"]),
        reverse("invoices:xml", args=[invoice.number, "ubl"]),
        reverse("invoices:credit_memo_facturx", args=[invoice.number, "CM-FR-1"]),
    ):
        assert url in page
    listing = client.get(reverse("invoices:index")).content.decode()
    assert reverse("invoices:facturx", args=[invoice.number]) in listing


def test_downloads_are_the_factur_x_pdf_and_the_xml_alone_and_are_recorded(client, french_viewer):
    account, user = french_viewer
    invoice = invoice_with_lines(account, [(Decimal(20), Decimal("100.00"))])
    response = client.get(reverse("invoices:facturx", args=[invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}-facturx.pdf"'
    _name, embedded = get_facturx_xml_from_pdf(response.content, check_xsd=True)
    xml = client.get(reverse("invoices:xml", args=[invoice.number, "cii"]))
    assert xml["Content-Type"] == "application/xml" and xml.content == embedded
    ubl = client.get(reverse("invoices:xml", args=[invoice.number, "ubl"]))
    assert b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in ubl.content
    assert client.get(reverse("invoices:xml", args=[invoice.number, "edifact"])).status_code == 404
    assert ActivityEntry.objects.filter(action="invoice.downloaded", actor=user).count() == 3
    memo = CreditMemoFactory(invoice=invoice, number="CM-FR-2", amount=Decimal("12.00"))
    credit = client.get(reverse("invoices:credit_memo_facturx", args=[invoice.number, memo.number]))
    _name, memo_xml = get_facturx_xml_from_pdf(credit.content, check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in memo_xml


def test_another_customers_invoice_is_not_found(client, french_viewer, other_account):
    invoice = invoice_with_lines(other_account, [(Decimal(20), Decimal("100.00"))])
    assert client.get(reverse("invoices:facturx", args=[invoice.number])).status_code == 404
    assert client.get(reverse("invoices:xml", args=[invoice.number, "cii"])).status_code == 404


def test_staff_set_the_e_invoice_format_and_identifiers_in_the_admin(client, account):
    staff_sign_in(client, staff_user(superuser=True))
    body = client.get(reverse("admin:accounts_customeraccount_change", args=[account.pk])).content.decode()
    for field in (
        "einvoice_format",
        "registration_number",
        "electronic_address",
        "electronic_address_scheme",
    ):
        assert f'name="{field}"' in body
