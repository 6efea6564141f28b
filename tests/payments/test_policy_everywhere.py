"""One method policy, asked by every place that offers a way to pay (issue 9, hole 6).

Seeds: "Une carte de crédit est le seul mode de paiement acceptable pour toutes les transactions de moins de
2 000 $US dans les pays où une carte de crédit est un mode de paiement acceptable." A 1 999.99 USD invoice
in the US (a card country) is therefore paid by card only: no bank details, no transfer form, no transfer
recorded, on the invoice page, its PDF, the pay page, the transfer page and its POST, and the admin.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.payment_ways import invoice_payment_ways
from invoices.pdf import invoice_pdf_bytes, pdf_cache_name
from payments.models import CardLimit, PaymentMethod, RemittanceAdvice
from payments.policy import autopay_methods, invoice_payment_options
from tests.factories import CustomerAccountFactory, staff_sign_in, staff_user
from tests.invoices.conftest import pdf_text
from tests.invoices.factories import InvoiceFactory, RemittanceInstructionFactory

pytestmark = pytest.mark.django_db

BANK_ACCOUNT = "000123456789"  # RemittanceInstructionFactory's USD account number


@pytest.fixture
def small(account):
    """1 999.99 USD in the US: under the card-only threshold in a card country."""
    RemittanceInstructionFactory(currency="USD")
    return InvoiceFactory(account=account, subtotal=Decimal("1999.99"), tax=Decimal("0.00"))


@pytest.fixture
def large(account):
    RemittanceInstructionFactory(currency="USD")
    return InvoiceFactory(account=account, subtotal=Decimal("2000.00"), tax=Decimal("0.00"))


def advice_post(amount):
    return {
        "method": "bank_transfer",
        "paid_on": timezone.localdate().isoformat(),
        "amount": amount,
        "customer_reference": "WIRE-1",
    }


def test_policy_answers_card_only_for_the_invoice_and_transfers_for_2000(small, large):
    assert invoice_payment_options(invoice=small).methods == [PaymentMethod.CARD]
    assert invoice_payment_options(invoice=small).offline is False
    assert invoice_payment_options(invoice=large).offline is True
    ways = invoice_payment_ways(invoice=small)
    assert ways.remittance is False and ways.online is True
    assert "$2,000.00" in " ".join(ways.notes)
    assert invoice_payment_ways(invoice=large).remittance is True


def test_invoice_page_of_a_card_only_invoice_hides_bank_details_and_the_transfer_form(
    client_of, payer, small
):
    page = client_of(payer).get(reverse("invoices:detail", args=[small.number])).content.decode()
    assert BANK_ACCOUNT not in page
    assert "Record a payment you made" not in page
    assert 'data-testid="card-only-note"' in page
    assert "$2,000.00" in page
    assert f"{reverse('payments:pay')}?invoice={small.number}" in page


def test_invoice_page_of_a_2000_usd_invoice_keeps_bank_details_and_the_transfer_form(client_of, payer, large):
    page = client_of(payer).get(reverse("invoices:detail", args=[large.number])).content.decode()
    assert BANK_ACCOUNT in page
    assert "Record a payment you made" in page


def test_outside_card_countries_a_small_invoice_is_paid_by_transfer(client_of, db):
    from tests.factories import MembershipFactory

    account = CustomerAccountFactory(country="BR")
    payer = MembershipFactory(account=account, role="payer").user
    RemittanceInstructionFactory(currency="USD")
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1999.99"), tax=Decimal("0.00"))
    page = client_of(payer).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert BANK_ACCOUNT in page and "Record a payment you made" in page


def test_pdf_of_a_card_only_invoice_prints_no_bank_details(small, large):
    small_text = " ".join(pdf_text(invoice_pdf_bytes(invoice=small)).split())
    assert BANK_ACCOUNT not in small_text
    assert "$2,000.00" in small_text and "card" in small_text
    assert BANK_ACCOUNT in pdf_text(invoice_pdf_bytes(invoice=large))


def test_pdf_cache_name_changes_with_the_policy_decision(small, large):
    assert pdf_cache_name(invoice=small) != pdf_cache_name(invoice=small).replace("-card", "")
    assert "-card" not in pdf_cache_name(invoice=large)


def test_transfer_post_on_a_card_only_invoice_is_refused(client_of, payer, small):
    response = client_of(payer).post(
        reverse("payments:remittance_advice", args=[small.number]), advice_post("1999.99")
    )
    assert response.status_code == 400
    assert "can only be paid by card" in response.content.decode()
    assert not RemittanceAdvice.objects.exists()


def test_a_transfer_under_2000_usd_on_a_larger_invoice_is_refused(client_of, payer, account):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("5000.00"), tax=Decimal("0.00"))
    client = client_of(payer)
    response = client.post(
        reverse("payments:remittance_advice", args=[invoice.number]), advice_post("1500.00")
    )
    assert response.status_code == 400
    assert not RemittanceAdvice.objects.exists()
    response = client.post(
        reverse("payments:remittance_advice", args=[invoice.number]), advice_post("5000.00")
    )
    assert response.status_code == 302
    assert RemittanceAdvice.objects.count() == 1


def test_transfer_page_of_a_card_only_invoice_offers_no_form_nor_bank_details(client_of, payer, small):
    page = client_of(payer).get(reverse("payments:remittance_advice", args=[small.number])).content.decode()
    assert BANK_ACCOUNT not in page
    assert "Record this payment" not in page
    assert 'data-testid="card-only-note"' in page


def test_pay_page_of_a_card_only_invoice_offers_card_and_no_transfer(client_of, payer, small):
    page = client_of(payer).get(f"{reverse('payments:pay')}?invoice={small.number}").content.decode()
    assert 'value="card"' in page and 'value="paypal"' not in page
    assert reverse("payments:remittance_advice", args=[small.number]) not in page


def test_automatic_payment_methods_come_from_the_policy():
    assert autopay_methods(country="US", currency="USD") == [PaymentMethod.CARD, PaymentMethod.ACH_DEBIT]
    assert autopay_methods(country="FR", currency="EUR") == [PaymentMethod.CARD, PaymentMethod.SEPA_DEBIT]
    assert autopay_methods(country="BR", currency="USD") == []
    CardLimit.objects.filter(currency="USD").delete()
    assert autopay_methods(country="US", currency="USD") == [
        PaymentMethod.ACH_DEBIT
    ]  # no card limit: no card


def test_admin_invoice_page_shows_what_the_policy_offers(client, small):
    staff_sign_in(client, staff_user())
    page = client.get(reverse("admin:invoices_invoice_change", args=[small.pk])).content.decode()
    assert "Card only" in page
    assert "$2,000.00" in page


def test_the_threshold_shown_follows_the_configured_value(client_of, payer, account):
    CardLimit.objects.filter(currency="USD").update(card_only_below=Decimal("2500.00"))
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2400.00"), tax=Decimal("0.00"))
    page = client_of(payer).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert "$2,500.00" in page and "$2,000.00" not in page
    assert invoice.issue_date <= timezone.localdate() + datetime.timedelta(days=1)
