"""ACH direct debit (Stripe us_bank_account) for US accounts, one payment and automatic payment (issue 11
item 3), against localstripe taught us_bank_account by portal/fakes.py: the bank account verified by
microdeposits (32 and 45 cents, Stripe's test amounts) or instantly, the debit `processing` until the
webhook the test sends."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from invoices.models import InvoiceStatus
from payments.models import Allocation, AutoPayRun, PaymentMethod, PaymentStatus
from payments.policy import autopay_methods
from payments.services import autopay, online
from payments.services import online_charge as charge
from tests.factories import MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.payments.conftest import (
    confirm_us_bank_account_setup,
    stripe_amount,
    stripe_event,
    verify_microdeposits,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(account):  # `account`: a US customer paying in USD
    return MembershipFactory(account=account, role="billing_contact").user


@pytest.fixture
def invoice(account):
    return InvoiceFactory(account=account, subtotal=Decimal("5000.00"), tax=Decimal("412.50"))


def ach_start(contact, account, invoice, key="ach-1"):
    return online.payment_start(
        user=contact,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.ACH_DEBIT,
        idempotency_key=key,
    )


def intent_of(payment, status, **extra):
    return {
        "id": payment.provider_reference,
        "status": status,
        "metadata": {"payment_reference": payment.reference},
        **stripe_amount(payment),
        **extra,
    }


def test_ach_debit_verified_by_microdeposits_is_processing_then_succeeds_by_webhook(
    contact, account, invoice, stripe_browser, post_stripe_event, django_capture_on_commit_callbacks
):
    payment = ach_start(contact, account, invoice)
    secret = charge.payment_setup_start(payment=payment)
    pending = confirm_us_bank_account_setup(stripe_browser, secret)
    assert pending["status"] == "requires_action"
    assert pending["next_action"]["type"] == "verify_with_microdeposits"
    wrong = verify_microdeposits(stripe_browser, secret, [10, 20])
    assert "error" in wrong, wrong  # wrong amounts refused
    right = verify_microdeposits(stripe_browser, secret, [32, 45])
    assert right.get("status") == "succeeded", right

    outcome = charge.payment_stripe_charge(payment=payment, setup_intent_id=pending["id"], actor=contact)

    payment = outcome.payment
    assert payment.status == PaymentStatus.PROCESSING
    intents = {pi["id"]: pi for pi in stripe_browser.payment_intents()}
    assert intents[payment.provider_reference]["status"] == "processing"
    assert intents[payment.provider_reference]["amount"] == 541250
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("5412.50")  # held: nothing allocated while the bank decides
    from rewards.selectors import debit_processing_on_invoice

    assert debit_processing_on_invoice(invoice=invoice)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_stripe_event(
            stripe_event("payment_intent.succeeded", intent_of(payment, "succeeded"))
        )
    assert response.status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert invoice.amount_due == 0 and invoice.status == InvoiceStatus.CLOSED


def test_ach_debit_with_instant_verification_needs_no_microdeposits(
    client_of, contact, account, invoice, stripe_browser
):
    payment = ach_start(contact, account, invoice, key="ach-instant")
    page = client_of(contact).get(reverse("payments:pay_debit", args=[payment.reference]))
    assert page.status_code == 200
    assert 'data-ach-setup="seti_' in page.content.decode()  # Stripe.js collects the bank account
    secret = charge.payment_setup_start(payment=payment)
    confirmed = confirm_us_bank_account_setup(
        stripe_browser, secret, financial_connections_account="fca_test_1"
    )
    assert confirmed["status"] == "succeeded"
    outcome = charge.payment_stripe_charge(payment=payment, setup_intent_id=confirmed["id"], actor=contact)
    assert outcome.payment.status == PaymentStatus.PROCESSING


def test_a_returned_ach_debit_reopens_the_invoice_and_tells_the_billing_contact(
    contact, account, invoice, stripe_browser, post_stripe_event, django_capture_on_commit_callbacks
):
    payment = ach_start(contact, account, invoice, key="ach-returned")
    secret = charge.payment_setup_start(payment=payment)
    seti = confirm_us_bank_account_setup(stripe_browser, secret)["id"]
    verify_microdeposits(stripe_browser, secret, [32, 45])
    payment = charge.payment_stripe_charge(payment=payment, setup_intent_id=seti, actor=contact).payment
    post_stripe_event(stripe_event("payment_intent.succeeded", intent_of(payment, "succeeded")))
    invoice.refresh_from_db()
    assert invoice.amount_due == 0

    # The bank returns the debit days later (R01, insufficient funds): Stripe reports it as a dispute.
    dispute = {
        "id": "dp_ach_1",
        "object": "dispute",
        "payment_intent": payment.provider_reference,
        "reason": "insufficient_funds",
    }
    event = stripe_event("charge.dispute.created", {})
    event["data"]["object"] = dispute
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(event)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert invoice.amount_due == Decimal("5412.50") and invoice.status != InvoiceStatus.CLOSED
    assert Allocation.objects.filter(payment=payment, amount__lt=0).count() == 1
    assert any(payment.reference in message.subject for message in mail.outbox)


def test_an_ach_debit_failing_while_processing_reopens_the_balance(
    contact, account, invoice, stripe_browser, post_stripe_event, django_capture_on_commit_callbacks
):
    payment = ach_start(contact, account, invoice, key="ach-failed")
    secret = charge.payment_setup_start(payment=payment)
    seti = confirm_us_bank_account_setup(stripe_browser, secret)["id"]
    verify_microdeposits(stripe_browser, secret, [32, 45])
    payment = charge.payment_stripe_charge(payment=payment, setup_intent_id=seti, actor=contact).payment
    assert payment.status == PaymentStatus.PROCESSING
    failed = intent_of(
        payment,
        "requires_payment_method",
        last_payment_error={"message": "The bank account has been closed."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(stripe_event("payment_intent.payment_failed", failed))
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert invoice.amount_due == Decimal("5412.50")


def test_automatic_payment_with_a_saved_us_bank_account(
    contact, account, stripe_browser, post_stripe_event, django_capture_on_commit_callbacks
):
    assert PaymentMethod.ACH_DEBIT in autopay.autopay_methods(account=account)
    secret = autopay.autopay_setup_start(account=account, method=PaymentMethod.ACH_DEBIT)
    seti = confirm_us_bank_account_setup(stripe_browser, secret)["id"]
    verify_microdeposits(stripe_browser, secret, [32, 45])
    saved = autopay.autopay_method_save(
        account=account, user=contact, method=PaymentMethod.ACH_DEBIT, setup_intent_id=seti
    )
    assert saved.enabled and saved.saved_method.label == "STRIPE TEST BANK •••• 6789"
    today = datetime.date.today()
    due_today = InvoiceFactory(
        account=account,
        issue_date=today - datetime.timedelta(days=30),
        due_date=today,
        subtotal=Decimal("2500.00"),
        tax=Decimal("500.00"),
    )
    assert autopay.autopay_run_due(today=today) == 1
    assert autopay.autopay_run_due(today=today) == 0
    payment = AutoPayRun.objects.get().payment
    assert payment.method == PaymentMethod.ACH_DEBIT and payment.status == PaymentStatus.PROCESSING
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(stripe_event("payment_intent.succeeded", intent_of(payment, "succeeded")))
    due_today.refresh_from_db()
    assert due_today.amount_due == 0


def test_ach_is_offered_for_automatic_payment_only_in_usd_in_the_us():
    assert PaymentMethod.ACH_DEBIT in autopay_methods(country="US", currency="USD")
    assert PaymentMethod.ACH_DEBIT not in autopay_methods(country="US", currency="EUR")
    assert PaymentMethod.ACH_DEBIT not in autopay_methods(country="FR", currency="USD")
    assert PaymentMethod.ACH_DEBIT not in autopay_methods(country="FR", currency="EUR")
