"""Item 4 of issue 11: a French reader never sees English or broken typography, amounts typed the French way
are understood, postal addresses follow each country's format."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from checkout.forms import PayForm
from core.money import parse_amount
from invoices.pdf import invoice_pdf_bytes, invoice_pdf_context
from invoices.services import invoice_issue
from notifications.models import OutboxEmail
from notifications.registry import builder_for
from payments.models import Payment, PaymentStatus
from payments.offline_forms import RemittanceAdviceForm, TransferReconcileForm
from payments.services.online_emails import PaymentEmailKind
from rewards.forms import RedeemForm
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import (
    DraftInvoiceFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    RemittanceInstructionFactory,
)
from tests.payments.factories import invoice_paid

D = Decimal
NNBSP = "\u202f"
# A letter, digit or closing sign glued to : ; ? ! (or after a plain space) where French wants U+202F.
BROKEN = re.compile(r"(?:[^\s\u202f]|(?<=\S) )[:;?!](?=\s|$)")


def broken_typography(text: str) -> list[str]:
    return [text[max(0, m.start() - 20) : m.end() + 5] for m in BROKEN.finditer(text)]


@pytest.fixture
def french_account():
    return CustomerAccountFactory(
        country="FR",
        currency="EUR",
        language="fr",
        address_line1="12 rue de la Paix",
        postal_code="75008",
        city="Paris",
    )


@pytest.mark.django_db
def test_french_pdf_has_a_narrow_no_break_space_before_colons_and_no_english_order_suffix(
    french_account, read_pdf
):
    RemittanceInstructionFactory(currency="EUR", beneficiary="Vendor Cloud France SAS")
    invoice = InvoiceFactory(
        account=french_account, number="INV-FR-2001", subtotal=D("9600.00"), tax=D("1920.00")
    )
    InvoiceLineFactory(
        invoice=invoice,
        order_number="ORD-61001",
        description="Database Standard Edition 2 — order ORD-61001",
        amount=D("9600.00"),
        tax=D("1920.00"),
    )
    # What WeasyPrint typesets: the French HTML of the PDF (pdftotext reads every kind of space back as " ").
    with translation.override("fr"):
        html = render_to_string("invoices/pdf/invoice.html", invoice_pdf_context(invoice=invoice))
    source = strip_tags(html.split("<body")[-1].split(">", 1)[-1])
    assert f"dû{NNBSP}:" in source
    assert not broken_typography(source), broken_typography(source)
    text = read_pdf(invoice_pdf_bytes(invoice=invoice))
    assert "Montant dû :" in text
    assert not re.findall(r"\w[:;?!](?=\s)", text)  # no colon glued to the word before it
    assert "— order" not in text and "ORD-61001" in text
    assert "Commande ORD-61001" in " ".join(text.split())


@pytest.mark.django_db
def test_french_emails_have_a_narrow_no_break_space_before_colons(
    french_account, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(
            invoice=DraftInvoiceFactory(
                account=french_account,
                number="INV-FR-2002",
                po_number="BC-1",
                issue_date=datetime.date(2026, 3, 2),
                due_date=datetime.date(2026, 4, 1),
            )
        )
    html = mail.outbox[0].alternatives[0][0] if mail.outbox[0].alternatives else ""
    bodies = [mail.outbox[0].body, strip_tags(html.split("<body")[-1].split(">", 1)[-1])]
    payment = invoice_paid(invoice, "100.00")
    failed = invoice_paid(invoice, "50.00")
    Payment.objects.filter(pk=failed.pk).update(
        status=PaymentStatus.FAILED, failure_message="insufficient_funds"
    )
    for kind, target in ((PaymentEmailKind.CONFIRMATION, payment), (PaymentEmailKind.DEBIT_FAILED, failed)):
        email = OutboxEmail(
            kind=kind,
            dedupe_key=f"test:{kind}",
            content_type=ContentType.objects.get_for_model(Payment),
            object_id=target.pk,
            language="fr",
        )
        with translation.override("fr"):
            rendered = builder_for(kind=kind)(email)
        bodies += [rendered.subject, rendered.text]
    text = "\n".join(bodies)
    assert f"{NNBSP}:" in text
    assert not broken_typography(text), broken_typography(text)


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("1 234,56", "fr", D("1234.56")),
        ("1\u00a0234,56", "fr", D("1234.56")),
        ("1\u202f234,56", "fr", D("1234.56")),
        ("1234,56", "fr", D("1234.56")),
        ("1.234,56", "fr", D("1234.56")),
        ("120.50", "fr", D("120.50")),
        (" 12 000 ", "fr", D("12000")),
        ("1,234.56", "en", D("1234.56")),
        ("1 234.56", "en", D("1234.56")),
        ("1234.56", "en", D("1234.56")),
        ("1,234.56", "fr", None),
        ("12,5", "en", None),
        ("1,2,3", "fr", None),
        ("abc", "fr", None),
        ("", "fr", None),
        ("NaN", "en", None),
        ("1e5", "en", None),
    ],
)
def test_parse_amount(typed, locale, expected):
    assert parse_amount(typed, locale=locale) == expected


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_every_amount_field_understands_the_french_way(space):
    typed = f"1{space}234,56"
    with translation.override("fr"):
        pay = PayForm({"amount": typed, "token": "t", "method": ""}, methods=[], rewards=False)
        pay.is_valid()
        assert pay.cleaned_data["amount"] == D("1234.56"), pay.errors
        redeem = RedeemForm({"code": "ABCD", "amount": typed})
        assert redeem.is_valid(), redeem.errors
        assert redeem.cleaned_data["amount"] == D("1234.56")
        for form in (RemittanceAdviceForm, TransferReconcileForm):
            assert form.base_fields["amount"].clean(typed) == D("1234.56")


@pytest.mark.django_db
def test_us_address_in_us_order_and_french_in_french_order_on_the_pdf_and_the_page(client_of, read_pdf):
    acme = CustomerAccountFactory(
        country="US",
        region="CA",
        address_line1="500 Oracle Parkway",
        postal_code="94065",
        city="Redwood Shores",
    )
    invoice = InvoiceFactory(account=acme, number="INV-US-1001")
    InvoiceLineFactory(invoice=invoice)
    text = read_pdf(invoice_pdf_bytes(invoice=invoice))
    assert "REDWOOD SHORES, CA 94065" in text
    assert "94065 Redwood Shores" not in text
    assert (
        text.index("500 Oracle Parkway")
        < text.index("REDWOOD SHORES, CA 94065")
        < text.index("United States")
    )
    user = MembershipFactory(account=acme).user
    page = client_of(user).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert "500 Oracle Parkway<br>REDWOOD SHORES, CA 94065<br>United States" in page

    lumiere = CustomerAccountFactory(
        country="FR",
        currency="EUR",
        language="fr",
        address_line1="12 rue de la Paix",
        postal_code="75008",
        city="Paris",
    )
    with translation.override("fr"):
        assert lumiere.address_lines == ["12 rue de la Paix", "75008 PARIS", "France"]
        assert acme.address_lines[-1] == "États-Unis"
