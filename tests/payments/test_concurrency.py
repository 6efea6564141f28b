"""Concurrency on the real PostgreSQL: threads on their own connections racing for one invoice's balance."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from payments.ledger import PaymentError, payment_allocate, payment_create, payment_transition
from payments.models import AccountCredit, Allocation, Payment, PaymentMethod, PaymentProvider, PaymentStatus
from payments.services import online
from payments.services import online_charge as charge
from tests.factories import MembershipFactory
from tests.invoices.factories import InvoiceFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_payment_options")]


def race(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; each thread uses (and closes) its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 — collected and asserted by the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_30_parallel_full_balance_payments_leave_one_succeeded_allocation(account, localstripe):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    payers = [MembershipFactory(account=account, role="payer").user for _ in range(30)]

    def pay(i):
        payment = online.payment_start(
            user=payers[i],
            account=account,
            invoice_numbers=[invoice.number],
            amount=None,
            method=PaymentMethod.CARD,
            idempotency_key=f"race-{i}",
        )
        return charge.payment_stripe_charge(
            payment=payment, payment_method_id="pm_card_visa", off_session=True
        )

    results = race(30, pay)
    succeeded = [
        r
        for r in results
        if isinstance(r, charge.ChargeOutcome) and r.payment.status == PaymentStatus.SUCCEEDED
    ]
    refused = [r for r in results if isinstance(r, PaymentError)]
    assert len(succeeded) == 1 and len(refused) == 29, results
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    assert Allocation.objects.filter(invoice=invoice).count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1


def test_30_succeeded_payments_allocated_in_parallel_never_overpay(account):
    """Below the holds, the ledger itself: the invoice lock and CHECK (amount_due >= 0) take over."""
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    payments = []
    for _ in range(30):
        payment = payment_create(
            account=account,
            method=PaymentMethod.CARD,
            provider=PaymentProvider.STRIPE,
            amount=invoice.total,
            currency="USD",
            started_by=None,
            intended_allocations=[(invoice, invoice.total)],
        )
        with transaction.atomic():
            payments.append(payment_transition(payment=payment, to_status=PaymentStatus.SUCCEEDED))

    results = race(
        30, lambda i: payment_allocate(payment=payments[i], invoice_amounts=[(invoice.pk, invoice.total)])
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    assert Allocation.objects.filter(invoice=invoice).count() == 1
    assert AccountCredit.objects.filter(kind=AccountCredit.Kind.OVERPAYMENT).count() == 29


def test_20_identical_requests_with_one_idempotency_key_create_one_payment_intent(
    payer, account, stripe_browser
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    first = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="same-form",
    )

    def submit(_i):  # the pay form posted again and again, each opening the card page
        payment = online.payment_start(
            user=payer,
            account=account,
            invoice_numbers=[invoice.number],
            amount=None,
            method=PaymentMethod.CARD,
            idempotency_key="same-form",
        )
        return charge.payment_card_intent(payment=payment)

    results = race(20, submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.payment.pk for r in results} == {first.pk}
    assert len({r.client_secret for r in results}) == 1
    assert len(stripe_browser.payment_intents()) == 1
    stripe_browser.confirm_payment_with_card(results[0].client_secret)
    returns = race(20, lambda _i: charge.payment_stripe_refresh(payment=first))  # the return, many times
    assert {r.payment.status for r in returns} == {PaymentStatus.SUCCEEDED}, returns
    assert Payment.objects.count() == 1
    assert Allocation.objects.filter(invoice=invoice).count() == 1
