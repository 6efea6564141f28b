"""Overpayment becomes account credit: applied to open invoices oldest first, or refunded when none is open."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ActivityEntry
from invoices.models import CreditMemo, Invoice, InvoiceState
from payments.ledger import account_credit_balance, payment_allocate
from payments.models import AccountCredit, Allocation, Payment, PaymentMethod, PaymentProvider, Refund
from payments.services.cancellation import invoice_reissue_with_paid_amount
from payments.services.credit import CreditError, account_credit_apply, refund_request
from payments.services.refunds import refund_approve, refund_reject
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def pay(account, amount, invoices=(), **payment_fields):
    """A succeeded payment of `amount` applied to `invoices` (in full, in order); the rest becomes credit."""
    payment = PaymentFactory(account=account, amount=Decimal(amount), **payment_fields)
    plan, left = [], Decimal(amount)
    for invoice in invoices:
        part = min(left, invoice.amount_due)
        plan.append((invoice.pk, part))
        left -= part
    payment_allocate(payment=payment, invoice_amounts=plan)
    return payment


def invoice_due(account, day, total="1200.00"):
    issue = datetime.date(2026, 1, day)
    subtotal = Decimal(total) - Decimal("200.00")
    return InvoiceFactory(
        account=account, issue_date=issue, due_date=issue + datetime.timedelta(days=30), subtotal=subtotal
    )


# --- applying credit ---------------------------------------------------------------------------------


def test_credit_is_applied_to_open_invoices_oldest_due_first(account, billing_contact):
    newest = invoice_due(account, 20)
    oldest = invoice_due(account, 2)
    middle = invoice_due(account, 10)
    pay(account, "3000.00")  # nothing to pay with it: all credit
    payment = account_credit_apply(account=account, currency="USD", actor=billing_contact)
    for invoice in (oldest, middle, newest):
        invoice.refresh_from_db()
    assert (oldest.amount_due, middle.amount_due, newest.amount_due) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("600.00"),
    )
    assert payment.method == PaymentMethod.ACCOUNT_CREDIT and payment.provider == PaymentProvider.INTERNAL
    assert payment.amount == Decimal("3000.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")
    assert ActivityEntry.objects.filter(action="payment.credit_applied").exists()


def test_credit_beyond_the_open_balances_stays_credit(account, billing_contact):
    invoice = invoice_due(account, 2)
    pay(account, "1500.00")
    account_credit_apply(account=account, currency="USD", actor=billing_contact)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("300.00")


def test_credit_is_only_applied_to_invoices_of_its_currency(account, billing_contact):
    InvoiceFactory(account=account, currency="EUR")
    pay(account, "500.00")
    with pytest.raises(CreditError, match="No invoice in USD is open"):
        account_credit_apply(account=account, currency="USD", actor=billing_contact)
    assert account_credit_balance(account=account, currency="USD") == Decimal("500.00")


def test_overpaying_an_invoice_leaves_the_rest_as_credit(account):
    invoice = invoice_due(account, 2)
    pay(account, "1500.00", [invoice])
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("300.00")


def test_payer_applies_credit_from_the_payments_page(client_of, payer, account):
    invoice = invoice_due(account, 2)
    pay(account, "200.00")
    page = client_of(payer).get(reverse("payments:index")).content.decode()
    assert "Apply to the open invoice" in page
    response = client_of(payer).post(reverse("payments:credit_apply", args=["USD"]))
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("1000.00")


def test_viewer_cannot_apply_credit(client_of, viewer, account):
    invoice_due(account, 2)
    pay(account, "200.00")
    assert client_of(viewer).post(reverse("payments:credit_apply", args=["USD"])).status_code == 403
    assert account_credit_balance(account=account, currency="USD") == Decimal("200.00")


def test_credit_shows_on_the_dashboard(client_of, billing_contact, account):
    pay(account, "250.00")
    page = client_of(billing_contact).get(reverse("dashboard")).content.decode()
    assert 'data-testid="account-credit"' in page
    assert "$250.00" in page


def test_no_credit_card_on_the_dashboard_without_credit(client_of, billing_contact):
    page = client_of(billing_contact).get(reverse("dashboard")).content.decode()
    assert 'data-testid="account-credit"' not in page


# --- refunds -----------------------------------------------------------------------------------------


def test_refund_is_only_possible_when_no_invoice_is_open(account, billing_contact):
    invoice = invoice_due(account, 2)
    pay(account, "1500.00", [invoice])
    other_open = invoice_due(account, 5)
    with pytest.raises(CreditError, match="still open"):
        refund_request(account=account, currency="USD", actor=billing_contact)
    pay(account, "1200.00", [other_open])
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    assert (refund.status, refund.amount) == (Refund.Status.REQUESTED, Decimal("300.00"))
    assert ActivityEntry.objects.filter(action="refund.requested").exists()


def test_open_invoice_in_another_currency_does_not_block_a_refund(account, billing_contact):
    InvoiceFactory(account=account, currency="EUR")
    pay(account, "300.00")
    assert refund_request(account=account, currency="USD", actor=billing_contact).amount == Decimal("300.00")


def test_a_second_refund_request_waits_for_the_first(account, billing_contact):
    pay(account, "300.00")
    refund_request(account=account, currency="USD", actor=billing_contact)
    with pytest.raises(CreditError, match="already being processed"):
        refund_request(account=account, currency="USD", actor=billing_contact)
    assert Refund.objects.count() == 1


def test_only_the_billing_contact_requests_a_refund(client_of, payer, billing_contact, account):
    pay(account, "300.00")
    assert client_of(payer).post(reverse("payments:refund_request", args=["USD"])).status_code == 403
    assert not Refund.objects.exists()
    response = client_of(billing_contact).post(reverse("payments:refund_request", args=["USD"]))
    assert response.status_code == 302
    assert Refund.objects.get().amount == Decimal("300.00")


def test_staff_record_a_bank_refund_and_the_credit_goes_down(
    account, billing_contact, django_capture_on_commit_callbacks
):
    pay(account, "300.00", method=PaymentMethod.BANK_TRANSFER, provider=PaymentProvider.OFFLINE)
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    with pytest.raises(CreditError, match="reference"):
        refund_approve(refund=refund, actor=billing_contact)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_approve(refund=refund, actor=billing_contact, bank_reference="OUT-2026-77")
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.provider_reference == "OUT-2026-77"
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")
    movement = AccountCredit.objects.filter(kind=AccountCredit.Kind.REFUND).get()
    assert movement.amount == Decimal("-300.00")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [billing_contact.email]


def test_refund_cannot_be_paid_twice(account, billing_contact):
    pay(account, "300.00", method=PaymentMethod.BANK_TRANSFER, provider=PaymentProvider.OFFLINE)
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    refund_approve(refund=refund, actor=billing_contact, bank_reference="OUT-1")
    with pytest.raises(CreditError, match="refunded"):
        refund_approve(refund=refund, actor=billing_contact, bank_reference="OUT-1")
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")


def test_refund_is_refused_when_the_credit_was_applied_meanwhile(account, billing_contact):
    pay(account, "300.00", method=PaymentMethod.BANK_TRANSFER, provider=PaymentProvider.OFFLINE)
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    invoice_due(account, 2)
    account_credit_apply(account=account, currency="USD", actor=billing_contact)
    with pytest.raises(CreditError, match="no longer has"):
        refund_approve(refund=refund, actor=billing_contact, bank_reference="OUT-2")
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")


def test_rejected_refund_keeps_the_credit(account, billing_contact):
    pay(account, "300.00")
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    refund_reject(refund=refund, actor=billing_contact, reason="Customer asked to keep it")
    assert account_credit_balance(account=account, currency="USD") == Decimal("300.00")
    assert refund_request(account=account, currency="USD", actor=billing_contact).status == "requested"


def _card_payment_on_localstripe(amount_minor: int) -> str:
    from payments.providers.stripe_gateway import stripe_client

    client = stripe_client()
    customer = client.v1.customers.create(params={"email": "ap@example.test"})
    intent = client.v1.payment_intents.create(
        params={
            "amount": amount_minor,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )
    assert intent.status == "succeeded"
    return intent.id


def test_staff_approve_a_card_refund_through_stripe(localstripe, account, billing_contact):
    from payments.providers.stripe_gateway import stripe_client

    invoice = invoice_due(account, 2)
    intent_id = _card_payment_on_localstripe(150000)
    pay(account, "1500.00", [invoice], provider_reference=intent_id)
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    assert refund.payment.provider_reference == intent_id
    refund = refund_approve(refund=refund, actor=billing_contact)
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.provider_reference.startswith("re_")
    stripe_refund = stripe_client().v1.refunds.retrieve(refund.provider_reference)
    assert stripe_refund.amount == 30000
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")


def test_admin_approve_view_records_a_bank_refund(client, account, billing_contact):
    staff = staff_user()
    pay(account, "300.00", method=PaymentMethod.CHEQUE, provider=PaymentProvider.OFFLINE)
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    staff_sign_in(client, staff)
    url = reverse("admin:payments_refund_approve", args=[refund.pk])
    missing = client.post(url, {"bank_reference": ""})
    assert "Enter the reference" in missing.content.decode()
    assert client.post(url, {"bank_reference": "OUT-ADMIN-1"}).status_code == 302
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.approved_by == staff


# --- a disputed, paid invoice credited and reissued ---------------------------------------------------


def test_reissued_invoice_keeps_the_paid_amount(account, billing_contact):
    old = invoice_due(account, 2)
    pay(account, "1200.00", [old])
    Invoice.objects.filter(pk=old.pk).update(state=InvoiceState.DISPUTED)
    new = invoice_due(account, 25, total="1000.00")
    result = invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=billing_contact)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == InvoiceState.CANCELLED and old.amount_due == Decimal("0.00")
    assert result.credit_memo.amount == Decimal("1200.00")
    assert result.paid_amount == Decimal("1200.00")
    assert new.amount_due == Decimal("0.00") and new.replaces == old
    # What the new, smaller invoice did not need stays account credit.
    assert account_credit_balance(account=account, currency="USD") == Decimal("200.00")
    # The old invoice's ledger still adds up: total − allocations − credit memos = amount due.
    allocated = sum(a.amount for a in Allocation.objects.filter(invoice=old))
    memos = sum(m.amount for m in CreditMemo.objects.filter(invoice=old))
    assert old.total - allocated - memos == old.amount_due


def test_partly_paid_disputed_invoice_carries_what_was_paid(account, billing_contact):
    old = invoice_due(account, 2)
    pay(account, "700.00", [old])
    new = invoice_due(account, 25)
    result = invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=billing_contact)
    new.refresh_from_db()
    assert result.credit_memo.amount == Decimal("1200.00")
    assert new.amount_due == Decimal("500.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")
    assert result.carried_payment.method == PaymentMethod.ACCOUNT_CREDIT
    assert ActivityEntry.objects.filter(action="invoice.reissued", target=old.number).exists()


def test_reissue_refuses_another_currency(account, billing_contact):
    old = invoice_due(account, 2)
    new = InvoiceFactory(account=account, currency="EUR")
    with pytest.raises(CreditError, match="currency"):
        invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=billing_contact)
    assert not Payment.objects.exists()


def test_credit_larger_than_the_card_payment_is_refunded_by_bank_transfer(account, billing_contact):
    from payments.services.refunds import refund_is_by_card

    pay(account, "300.00", method=PaymentMethod.BANK_TRANSFER, provider=PaymentProvider.OFFLINE)
    pay(account, "100.00", provider_reference="pi_small")  # a card payment, newest, smaller than the credit
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    assert refund.amount == Decimal("400.00")
    assert not refund_is_by_card(refund)
    with pytest.raises(CreditError, match="reference"):
        refund_approve(refund=refund, actor=billing_contact)


def test_payments_page_offers_the_refund_to_the_billing_contact_only(
    client_of, billing_contact, payer, account
):
    pay(account, "300.00")
    assert "Ask for a refund" in client_of(billing_contact).get(reverse("payments:index")).content.decode()
    page = client_of(payer).get(reverse("payments:index")).content.decode()
    assert "Ask for a refund" not in page
    assert "the billing contact can ask for a refund" in page


@pytest.mark.django_db(transaction=True)
def test_parallel_credit_applications_use_the_credit_once(account, billing_contact):
    import threading

    from django.db import connection

    invoices = [invoice_due(account, day) for day in (2, 3, 4)]
    pay(account, "1500.00")
    barrier = threading.Barrier(8)
    outcomes = []

    def apply():
        try:
            barrier.wait()
            outcomes.append(account_credit_apply(account=account, currency="USD", actor=billing_contact))
        except CreditError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 8
    assert account_credit_balance(account=account, currency="USD") >= 0
    applied = sum(a.amount for a in Allocation.objects.filter(invoice__in=invoices))
    assert applied == Decimal("1500.00")
    for invoice in invoices:
        invoice.refresh_from_db()
    assert sum(inv.amount_due for inv in invoices) == Decimal("3600.00") - Decimal("1500.00")
    assert Payment.objects.filter(method=PaymentMethod.ACCOUNT_CREDIT).count() == 1


def test_a_card_is_never_refunded_beyond_what_it_was_charged(account, billing_contact):
    from payments.services.refunds import refund_is_by_card

    card = pay(account, "300.00", provider_reference="pi_once")
    Refund.objects.create(
        account=account,
        payment=card,
        amount=Decimal("250.00"),
        currency="USD",
        status=Refund.Status.SUCCEEDED,
    )
    refund = Refund(account=account, payment=card, amount=Decimal("100.00"), currency="USD")
    assert not refund_is_by_card(refund)  # only 50.00 left on that card: the rest goes by bank transfer
    refund.amount = Decimal("50.00")
    assert refund_is_by_card(refund)
