"""SEPA direct debit through localstripe, and the days a debit stays `processing` (events in Stripe's real order)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from payments.models import Allocation, PaymentMethod, PaymentStatus
from payments.services import online
from payments.services import online_charge as charge
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.payments.conftest import stripe_amount, stripe_event

pytestmark = pytest.mark.django_db

IBAN_OK = "DE89370400440532013000"
IBAN_FAILS = "DE62370400440532013001"


@pytest.fixture
def lumiere():
    return CustomerAccountFactory(
        country="FR", currency="EUR", language="fr", contract_email="compta@lumiere.test"
    )


@pytest.fixture
def contact(lumiere):
    return MembershipFactory(account=lumiere, role="billing_contact").user


@pytest.fixture
def invoice(lumiere):
    return InvoiceFactory(account=lumiere, subtotal=Decimal("5000.00"), tax=Decimal("1000.00"))


def debit(contact, lumiere, invoice, stripe_browser, iban, key="sepa-1"):
    payment = online.payment_start(
        user=contact,
        account=lumiere,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.SEPA_DEBIT,
        idempotency_key=key,
    )
    setup_intent = stripe_browser.confirm_sepa_setup(charge.payment_setup_start(payment=payment), iban)
    return charge.payment_stripe_charge(payment=payment, setup_intent_id=setup_intent, actor=contact)


def test_sepa_debit_with_accepted_mandate_pays_the_invoice(contact, lumiere, invoice, stripe_browser):
    outcome = debit(contact, lumiere, invoice, stripe_browser, IBAN_OK)
    assert outcome.payment.status == PaymentStatus.SUCCEEDED
    invoice.refresh_from_db()
    assert invoice.amount_due == 0


def test_sepa_debit_failing_at_the_bank_stays_processing_then_reopens_the_balance(
    contact,
    lumiere,
    invoice,
    stripe_browser,
    post_stripe_event,
    client_of,
    django_capture_on_commit_callbacks,
):
    outcome = debit(contact, lumiere, invoice, stripe_browser, IBAN_FAILS)
    payment = outcome.payment
    assert payment.status == PaymentStatus.PROCESSING
    page = client_of(contact).get(reverse("payments:pay"), {"invoice": invoice.number})
    assert "Payment processing" in page.content.decode()
    assert "blocked" in page.context  # not offered for another payment meanwhile
    client = client_of(contact)
    detail = client.get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    listing = client.get(reverse("invoices:index")).content.decode()
    assert 'data-testid="payment-processing"' in detail
    assert 'data-testid="payment-processing"' in listing
    intent = {
        "id": payment.provider_reference,
        "status": "requires_payment_method",
        "metadata": {"payment_reference": payment.reference},
        **stripe_amount(payment),
        "last_payment_error": {"message": "The account has insufficient funds."},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe_event(stripe_event("payment_intent.payment_failed", intent)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    listing = client_of(contact).get(reverse("invoices:index")).content.decode()
    assert 'data-testid="payment-processing"' not in listing
    again = client_of(contact).get(reverse("payments:pay"), {"invoice": invoice.number})
    assert again.context["plan"].total_available == Decimal("6000.00")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [contact.email]
    assert payment.reference in mail.outbox[0].subject


def test_debit_processing_then_succeeded_in_the_real_order(contact, lumiere, invoice, post_stripe_event):
    payment = online.payment_start(
        user=contact,
        account=lumiere,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.SEPA_DEBIT,
        idempotency_key="sepa-order",
    )
    intent = {
        "id": "pi_real_order",
        "metadata": {"payment_reference": payment.reference},
        **stripe_amount(payment),
    }
    post_stripe_event(stripe_event("payment_intent.processing", {**intent, "status": "processing"}))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PROCESSING
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("6000.00")  # nothing allocated while the bank decides
    post_stripe_event(stripe_event("payment_intent.succeeded", {**intent, "status": "succeeded"}))
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and invoice.amount_due == 0


def test_debit_returned_after_success_reopens_the_balance_and_tells_the_billing_contact(
    contact, lumiere, invoice, stripe_browser, post_stripe_event, django_capture_on_commit_callbacks
):
    payment = debit(contact, lumiere, invoice, stripe_browser, IBAN_OK).payment
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "payment_intent": payment.provider_reference,
        "reason": "debit_not_authorized",
    }
    event = stripe_event("charge.dispute.created", {})
    event["data"]["object"] = dispute
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(event)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert invoice.amount_due == Decimal("6000.00")
    assert Allocation.objects.filter(payment=payment, amount__lt=0).count() == 1
    from notifications.models import OutboxEmail

    notice = OutboxEmail.objects.get(dedupe_key=f"payment-debit-failed:{payment.pk}")
    assert notice.sent_at is not None and notice.to == [contact.email]


def test_invoice_shows_payment_processing_while_the_debit_is_in_flight(contact, lumiere, invoice):
    from django.template import Context, Template

    payment = online.payment_start(
        user=contact,
        account=lumiere,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.SEPA_DEBIT,
        idempotency_key="sepa-badge",
    )
    online.payment_mark_processing(payment=payment)
    template = Template("{% load payments_online %}{% payment_processing_badge invoice %}")
    assert "Payment processing" in template.render(Context({"invoice": invoice}))
    online.payment_fail(payment=payment, message="Insufficient funds")
    assert template.render(Context({"invoice": invoice})) == ""


# --- automatic payment ---------------------------------------------------------------------------------


@pytest.fixture
def acme_contact(account):
    return MembershipFactory(account=account, role="billing_contact").user


def test_autopay_debits_each_invoice_on_its_due_date_once(acme_contact, account, stripe_browser):
    import datetime

    from payments.models import AutoPayRun
    from payments.services import autopay

    secret = autopay.autopay_setup_start(account=account, method=PaymentMethod.CARD)
    setup_intent = stripe_browser.confirm_card_setup(secret)
    settings_row = autopay.autopay_method_save(
        account=account, user=acme_contact, method=PaymentMethod.CARD, setup_intent_id=setup_intent
    )
    assert settings_row.enabled and "4242" in settings_row.saved_method.label
    today = datetime.date.today()
    due_today = InvoiceFactory(
        account=account,
        issue_date=today - datetime.timedelta(days=30),
        due_date=today,
        subtotal=Decimal("2500.00"),
        tax=Decimal("500.00"),
    )
    later = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    assert autopay.autopay_run_due(today=today) == 1
    assert autopay.autopay_run_due(today=today) == 0  # the daily job rerun: nothing more
    due_today.refresh_from_db()
    later.refresh_from_db()
    assert due_today.amount_due == 0 and later.amount_due == Decimal("3000.00")
    run = AutoPayRun.objects.get()
    assert run.payment.status == PaymentStatus.SUCCEEDED and run.payment.started_by is None


def test_autopay_switched_off_debits_nothing(acme_contact, account, stripe_browser):
    import datetime

    from payments.services import autopay

    setup_intent = stripe_browser.confirm_card_setup(
        autopay.autopay_setup_start(account=account, method="card")
    )
    autopay.autopay_method_save(
        account=account, user=acme_contact, method="card", setup_intent_id=setup_intent
    )
    autopay.autopay_switch(account=account, user=acme_contact, enabled=False)
    today = datetime.date.today()
    InvoiceFactory(account=account, issue_date=today - datetime.timedelta(days=30), due_date=today)
    assert autopay.autopay_run_due(today=today) == 0


def test_autopay_page_is_for_the_billing_contact(client_of, payer, acme_contact, localstripe):
    assert client_of(payer).get(reverse("payments:autopay")).status_code == 403
    page = client_of(acme_contact).get(reverse("payments:autopay"))
    assert page.status_code == 200 and page.context["card_secret"]


def test_daily_automatic_payment_and_hourly_expiry_are_in_the_beat_schedule():
    import payments.tasks  # noqa: F401 — registers the tasks, as the worker's autodiscovery does
    from portal.celery import app
    from portal.schedule import BEAT_SCHEDULE

    for name in ("payments-autopay-daily", "payments-abandoned-expire"):
        assert BEAT_SCHEDULE[name]["task"] in app.tasks
