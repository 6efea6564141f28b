"""Announced transfers in the ledger (issue 9, holes 3 and 4), with the demo's numbers.

- INV-US-1003 (1 353.56 USD, Acme, US) has a bank transfer announced eight days ago; paying it another way
  warns and offers to withdraw the announcement; once closed otherwise, the announcement shows as superseded;
  the transfer that still arrives is reconciled as account credit in one step and leaves "Announced".
- INV-US-1002 owes 28 300.00, a transfer of 28 300.00 is announced, 51.50 of account credit is applied:
  the reconcile form proposes 28 248.50 for the invoice and 51.50 as account credit.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ActivityEntry
from payments.ledger import account_credit_balance, payment_allocate
from payments.models import PaymentMethod, PaymentProvider, RemittanceAdvice
from payments.selectors import remittance_advices_for_invoice
from payments.services.credit import account_credit_apply
from payments.services.offline import remittance_advice_record
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory, RemittanceInstructionFactory
from tests.payments.factories import PaymentFactory, RemittanceAdviceFactory, invoice_paid

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)  # a Wednesday
EIGHT_DAYS_AGO = TODAY - datetime.timedelta(days=8)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def inv_1003(account):
    """The demo's INV-US-1003: 1 250.40 + 8.25 % tax, issued 38 days ago, a wire announced 8 days ago."""
    RemittanceInstructionFactory(currency="USD")
    invoice = InvoiceFactory(
        account=account,
        number="INV-US-1003",
        subtotal=Decimal("1250.40"),
        tax=Decimal("103.16"),
        issue_date=TODAY - datetime.timedelta(days=38),
    )
    # Announced before the card-only rule was enforced on the transfer form: built as a row, as it was then.
    RemittanceAdviceFactory(invoice=invoice, paid_on=EIGHT_DAYS_AGO, customer_reference="WIRE-ACME-0412")
    return invoice


def pay_url(invoice):
    return f"{reverse('payments:pay')}?invoice={invoice.number}"


# --- hole 3: paying another way while a transfer is announced --------------------------------------


def test_pay_page_warns_about_the_announced_transfer_and_offers_to_withdraw_it(client_of, payer, inv_1003):
    page = client_of(payer).get(pay_url(inv_1003)).content.decode()
    assert 'data-testid="announced-transfer-notice"' in page
    assert "WIRE-ACME-0412" in page and "$1,353.56" in page
    assert "April 7, 2026" in page
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    assert reverse("payments:remittance_withdraw", args=[inv_1003.number, advice.pk]) in page


def test_invoice_page_warns_about_the_announced_transfer_next_to_pay(client_of, payer, inv_1003):
    page = client_of(payer).get(reverse("invoices:detail", args=[inv_1003.number])).content.decode()
    assert 'data-testid="announced-transfer-notice"' in page
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    assert reverse("payments:remittance_withdraw", args=[inv_1003.number, advice.pk]) in page


def test_payer_withdraws_the_announcement_and_the_activity_log_records_it(client_of, payer, inv_1003):
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    client = client_of(payer)
    response = client.post(
        reverse("payments:remittance_withdraw", args=[inv_1003.number, advice.pk]),
        {"next": pay_url(inv_1003)},
    )
    assert response.status_code == 302 and response["Location"] == pay_url(inv_1003)
    advice.refresh_from_db()
    assert advice.status == RemittanceAdvice.Status.WITHDRAWN
    assert advice.withdrawn_by == payer and advice.withdrawn_at is not None
    entry = ActivityEntry.objects.get(action="payment.remittance_withdrawn")
    assert entry.target == inv_1003.number and entry.actor == payer
    page = client.get(pay_url(inv_1003)).content.decode()
    assert 'data-testid="announced-transfer-notice"' not in page


def test_withdraw_is_post_only_for_payers_of_the_account(client_of, viewer, outsider, inv_1003):
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    url = reverse("payments:remittance_withdraw", args=[inv_1003.number, advice.pk])
    assert client_of(viewer).post(url).status_code == 403
    assert client_of(outsider).post(url).status_code == 404
    advice.refresh_from_db()
    assert advice.status == RemittanceAdvice.Status.ANNOUNCED


def test_withdraw_ignores_a_next_url_off_the_site(client_of, payer, inv_1003):
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    response = client_of(payer).post(
        reverse("payments:remittance_withdraw", args=[inv_1003.number, advice.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("payments:remittance_advice", args=[inv_1003.number])


def test_an_invoice_closed_otherwise_shows_its_announcement_as_superseded(client_of, payer, inv_1003):
    card = invoice_paid(inv_1003, "1353.56", method=PaymentMethod.CARD)
    inv_1003.refresh_from_db()
    assert inv_1003.status == "closed"
    [row] = remittance_advices_for_invoice(invoice=inv_1003)
    assert row.superseded and not row.support_offered and row.support_mailto == ""
    page = client_of(payer).get(reverse("invoices:detail", args=[inv_1003.number])).content.decode()
    assert "Superseded" in page
    assert card.reference in page
    assert "More than three business days" not in page
    assert "Ask billing support to look for this payment" not in page
    assert 'data-testid="announced-transfer-notice"' not in page  # nothing left to pay twice


def test_staff_reconcile_a_transfer_for_a_closed_invoice_as_account_credit_in_one_step(
    client, staff, account, inv_1003
):
    invoice_paid(inv_1003, "1353.56", method=PaymentMethod.CARD)
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    staff_sign_in(client, staff)
    response = client.post(
        reverse("admin:payments_remittanceadvice_changelist"),
        {"action": "reconcile", "_selected_action": [advice.pk]},
    )
    form_page = client.get(response["Location"])
    body = form_page.content.decode()
    assert "has nothing left to pay" not in body  # the form accepts its own pre-fill
    form = form_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["account"] = account.pk
    response = client.post(reverse("admin:payments_payment_reconcile"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    advice.refresh_from_db()
    assert advice.status == RemittanceAdvice.Status.RECONCILED
    assert advice.payment.amount == Decimal("1353.56")
    assert not advice.payment.allocations.exists()
    assert account_credit_balance(account=account, currency="USD") == Decimal("1353.56")


def test_the_customer_sees_the_late_transfer_received_as_account_credit(client_of, payer, staff, inv_1003):
    from payments.services.offline import transfer_reconcile

    invoice_paid(inv_1003, "1353.56", method=PaymentMethod.CARD)
    advice = RemittanceAdvice.objects.get(invoice=inv_1003)
    payment = transfer_reconcile(
        account=inv_1003.account,
        method="bank_transfer",
        amount=Decimal("1353.56"),
        currency="USD",
        received_on=TODAY,
        bank_reference="WIRE-ACME-0412",
        invoice_amounts=[],
        advices=[advice],
        actor=staff,
    )
    advice.refresh_from_db()
    assert advice.status == RemittanceAdvice.Status.RECONCILED and advice.payment == payment
    page = client_of(payer).get(reverse("invoices:detail", args=[inv_1003.number])).content.decode()
    assert "Superseded" not in page
    assert payment.reference in page and "account credit" in page


# --- hole 4: the reconcile form proposes what can be applied ---------------------------------------


@pytest.fixture
def inv_1002(account, billing_contact):
    """INV-US-1002: 43 300.00, 15 000.00 paid by card, 28 300.00 left, announced in full by wire."""
    invoice = InvoiceFactory(
        account=account,
        number="INV-US-1002",
        subtotal=Decimal("40000.00"),
        tax=Decimal("3300.00"),
        issue_date=TODAY - datetime.timedelta(days=45),
    )
    invoice_paid(invoice, "15000.00")
    invoice.refresh_from_db()
    remittance_advice_record(
        invoice=invoice,
        method="bank_transfer",
        paid_on=TODAY - datetime.timedelta(days=1),
        amount=Decimal("28300.00"),
        customer_reference="WIRE-ACME-0500",
        user=billing_contact,
    )
    # 51.50 of account credit (the demo's ACH overpayment on INV-US-1005), applied oldest due first.
    overpaid = PaymentFactory(
        account=account,
        amount=Decimal("51.50"),
        method=PaymentMethod.ACH_CREDIT,
        provider=PaymentProvider.OFFLINE,
    )
    payment_allocate(payment=overpaid, invoice_amounts=[])
    account_credit_apply(account=account, currency="USD", actor=billing_contact)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("28248.50")
    return invoice


def test_reconcile_prefill_proposes_the_balance_and_the_rest_as_account_credit(
    client, staff, account, inv_1002
):
    advice = RemittanceAdvice.objects.get(invoice=inv_1002)
    staff_sign_in(client, staff)
    response = client.post(
        reverse("admin:payments_remittanceadvice_changelist"),
        {"action": "reconcile", "_selected_action": [advice.pk]},
    )
    form_page = client.get(response["Location"])
    body = form_page.content.decode()
    assert "INV-US-1002: 28248.50" in body
    assert "must be between 0 and its balance" not in body
    form = form_page.context["form"]
    assert form["amount"].value() == "28300.00"
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(reverse("admin:payments_payment_reconcile"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    inv_1002.refresh_from_db()
    advice.refresh_from_db()
    assert inv_1002.amount_due == Decimal("0.00")
    assert advice.status == RemittanceAdvice.Status.RECONCILED
    assert account_credit_balance(account=account, currency="USD") == Decimal("51.50")


def test_reconcile_page_lists_announced_transfers_with_what_can_be_applied(client, staff, inv_1002):
    staff_sign_in(client, staff)
    body = client.get(reverse("admin:payments_payment_reconcile")).content.decode()
    assert "INV-US-1002" in body
    assert "28248.50" in body or "28,248.50" in body


def test_paying_with_support_rewards_warns_too(client_of, billing_contact, account):
    from invoices.models import InvoiceKind
    from tests.invoices.factories import InvoiceLineFactory

    invoice = InvoiceFactory(
        account=account, kind=InvoiceKind.SUPPORT_RENEWAL, subtotal=Decimal("5000.00"), tax=Decimal("0")
    )
    InvoiceLineFactory(
        invoice=invoice, amount=Decimal("5000.00"), tax=Decimal("0"), is_rewards_eligible_support=True
    )
    RemittanceAdviceFactory(invoice=invoice, paid_on=TODAY - datetime.timedelta(days=1))
    page = client_of(billing_contact).get(reverse("rewards:redeem", args=[invoice.number])).content.decode()
    assert 'data-testid="announced-transfer-notice"' in page
