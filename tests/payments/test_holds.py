"""Holds: a payment in flight holds its amount until the provider's final answer, never by a clock alone.

Issue 9, holes 1 and 2, as their exact repros (the clock moved with time-machine, never by editing rows),
plus the cleanup of abandoned payments: the provider object is cancelled first, the hold released after.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from payments.ledger import PaymentError
from payments.models import AccountCredit, Allocation, PaymentMethod, PaymentStatus, Refund
from payments.services import abandoned, online
from payments.services import online_charge as charge
from tests.factories import MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.payments.test_paypal import approve

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
THREE_D_SECURE = "4000002500003155"


@pytest.fixture
def clock(time_machine):
    """The clock frozen at START; `clock.shift(timedelta)` moves it."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def second_payer(account):
    return MembershipFactory(account=account, role="payer").user


def start(user, account, invoices, *, method=PaymentMethod.CARD, amount=None, key="tab-1"):
    return online.payment_start(
        user=user,
        account=account,
        invoice_numbers=[invoice.number for invoice in invoices],
        amount=amount,
        method=method,
        idempotency_key=key,
    )


def charges(stripe_browser) -> list[int]:
    """Amounts (minor units) of the PaymentIntents localstripe actually charged."""
    return [pi["amount"] for pi in stripe_browser.payment_intents() if pi["status"] == "succeeded"]


# --- hole 1: double charge once a hold lapses -----------------------------------------------------------


def test_hole_1_a_card_payment_still_holds_its_invoice_31_minutes_later(
    clock, payer, second_payer, account, stripe_browser
):
    """Open the card page for 500.00 (its PaymentIntent made), age it 31 minutes, a second payer tries to
    pay in full, the first tab confirms its card: one charge of 500.00, nothing to account credit."""
    invoice = InvoiceFactory(account=account, subtotal=Decimal("500.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice])
    page = charge.payment_card_intent(payment=first)
    clock.shift(datetime.timedelta(minutes=31))
    with pytest.raises(PaymentError, match="Nothing is left"):
        start(second_payer, account, [invoice], key="tab-2")
    stripe_browser.confirm_payment_with_card(page.client_secret)
    outcome = charge.payment_stripe_refresh(payment=first)
    assert outcome.payment.status == PaymentStatus.SUCCEEDED
    assert charges(stripe_browser) == [50000]
    assert not AccountCredit.objects.exists()
    invoice.refresh_from_db()
    assert invoice.amount_due == 0


def test_hole_1_after_the_cleanup_the_first_tab_can_no_longer_charge(
    clock, payer, second_payer, account, stripe_browser
):
    """The cleanup cancels the waiting PaymentIntent at Stripe; the first tab's card then charges nothing."""
    invoice = InvoiceFactory(account=account, subtotal=Decimal("500.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice])
    first_page = charge.payment_card_intent(payment=first)
    clock.shift(datetime.timedelta(minutes=31))
    assert abandoned.payments_abandoned_expire() == 1
    second = start(second_payer, account, [invoice], key="tab-2")
    stripe_browser.confirm_payment_with_card(charge.payment_card_intent(payment=second).client_secret)
    assert charge.payment_stripe_refresh(payment=second).payment.status == PaymentStatus.SUCCEEDED
    assert "error" in stripe_browser.confirm_payment_with_card(first_page.client_secret)  # cancelled
    late = charge.payment_stripe_refresh(payment=first)
    assert late.payment.status == PaymentStatus.FAILED
    assert charges(stripe_browser) == [50000]
    assert not AccountCredit.objects.exists()


def test_hole_1_a_payment_awaiting_3d_secure_is_cancelled_at_stripe_before_its_hold_ends(
    clock, payer, second_payer, account, stripe_browser
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("500.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice])
    secret = charge.payment_card_intent(payment=first).client_secret
    stripe_browser.confirm_payment_with_card(secret, THREE_D_SECURE)  # the 3-D Secure window opens
    outcome = charge.payment_stripe_refresh(payment=first)
    assert outcome.payment.status == PaymentStatus.PENDING and outcome.client_secret
    assert not outcome.needs_payment_method
    clock.shift(datetime.timedelta(minutes=31))
    with pytest.raises(PaymentError, match="Nothing is left"):
        start(second_payer, account, [invoice], key="tab-2")  # no clock alone ends a hold
    assert abandoned.payments_abandoned_expire() == 1
    intent = next(
        pi for pi in stripe_browser.payment_intents() if pi["id"] == outcome.payment.provider_reference
    )
    assert intent["status"] == "canceled"  # cancelled at the provider first ...
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED  # ... then the hold is released
    assert start(second_payer, account, [invoice], key="tab-3").amount == Decimal("500.00")


def test_hole_1_a_3d_secure_payment_completed_before_the_cleanup_is_settled_not_released(
    clock, payer, account, stripe_browser
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("500.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice])
    secret = charge.payment_card_intent(payment=first).client_secret
    stripe_browser.confirm_payment_with_card(secret, THREE_D_SECURE)
    stripe_browser.confirm_card_payment(secret, success=True)  # the tab never reports back
    clock.shift(datetime.timedelta(minutes=31))
    abandoned.payments_abandoned_expire()
    first.refresh_from_db()
    invoice.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED and invoice.amount_due == 0


def test_hole_1_a_paypal_order_holds_until_paypal_expires_it(
    clock, payer, second_payer, account, paypal_fake
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice], method=PaymentMethod.PAYPAL)
    charge.payment_paypal_approval_url(payment=first, return_url="http://t/r", cancel_url="http://t/c")
    clock.shift(datetime.timedelta(minutes=31))
    assert abandoned.payments_abandoned_expire() == 0  # PayPal still has the order: it keeps holding
    with pytest.raises(PaymentError, match="Nothing is left"):
        start(second_payer, account, [invoice], method=PaymentMethod.PAYPAL, key="tab-2")
    clock.shift(datetime.timedelta(hours=3))  # past PayPal's expiry of an order never approved
    assert abandoned.payments_abandoned_expire() == 1
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    assert start(second_payer, account, [invoice], method=PaymentMethod.PAYPAL, key="tab-3")


def test_hole_1_an_approved_paypal_order_found_by_the_cleanup_is_captured(clock, payer, account, paypal_fake):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))
    first = start(payer, account, [invoice], method=PaymentMethod.PAYPAL)
    url = charge.payment_paypal_approval_url(payment=first, return_url="http://t/r", cancel_url="http://t/c")
    approve(url)  # the payer approved, then closed the tab
    clock.shift(datetime.timedelta(minutes=31))
    abandoned.payments_abandoned_expire()
    first.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED
    assert Allocation.objects.get(payment=first).amount == Decimal("3000.00")


def test_money_arriving_for_a_settled_balance_becomes_credit_and_the_customer_is_told(
    payer, account, client_of, django_capture_on_commit_callbacks
):
    """A balance settled otherwise while a payment was in flight (staff credited the invoice after a dispute):
    the money that still arrives becomes account credit and the customer gets an email offering a refund."""
    from django.db import transaction

    from invoices.locking import invoices_lock
    from payments.ledger import invoice_credit_balance

    invoice = InvoiceFactory(account=account, subtotal=Decimal("500.00"), tax=Decimal("0.00"))
    payment = start(payer, account, [invoice])
    with transaction.atomic():
        (locked,) = invoices_lock(invoice_ids=[invoice.pk])
        invoice_credit_balance(invoice=locked, reason="Dispute resolved in the customer's favour")
    with django_capture_on_commit_callbacks(execute=True):
        online.payment_succeed(payment=payment)
    credit = AccountCredit.objects.get(payment=payment)
    assert credit.amount == Decimal("500.00") and credit.kind == AccountCredit.Kind.OVERPAYMENT
    late = [m for m in mail.outbox if "credit" in m.subject.lower()]
    assert len(late) == 1 and payment.reference in late[0].body
    assert "/payments/" in late[0].body  # the one-click refund lives on the payments page
    client = client_of(payer)
    page = client.get(reverse("payments:index")).content.decode()
    refund_url = reverse("payments:late_payment_refund", args=[payment.pk])
    assert refund_url in page
    client.post(refund_url)  # one click
    refund = Refund.objects.get()
    assert (refund.amount, refund.payment) == (Decimal("500.00"), payment)
    assert refund_url not in client.get(reverse("payments:index")).content.decode()


# --- hole 2: rewards and account credit ignore payments in flight -----------------------------------------


def test_hole_2_rewards_are_refused_while_a_card_payment_holds_the_invoice(payer, account, stripe_browser):
    """Start a 1 080.00 card payment, redeem 1 000.00 of rewards on the same invoice, submit the card:
    1 080.00 charged once, nothing to account credit."""
    from rewards.exceptions import RewardsError
    from rewards.services import rewards_redeem
    from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

    invoice = support_invoice(account, tax=Decimal("80.00"))
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("1000.00"))
    card = start(payer, account, [invoice])
    assert card.amount == Decimal("1080.00")
    secret = charge.payment_card_intent(payment=card).client_secret
    with pytest.raises(RewardsError):
        rewards_redeem(user=payer, account=account, invoice=invoice, code=lot.rewards_account.code)
    stripe_browser.confirm_payment_with_card(secret)
    outcome = charge.payment_stripe_refresh(payment=card)
    assert outcome.payment.status == PaymentStatus.SUCCEEDED
    assert charges(stripe_browser) == [108000]
    assert not AccountCredit.objects.exists()
    lot.refresh_from_db()
    assert lot.remaining == Decimal("1000.00")


def test_hole_2_rewards_may_pay_only_what_no_payment_in_flight_holds(payer, account):
    from rewards.services import rewards_redeem
    from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

    invoice = support_invoice(account, tax=Decimal("80.00"))
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("1000.00"))
    start(payer, account, [invoice], amount="880.00")  # 200.00 stays payable
    redeemed = rewards_redeem(user=payer, account=account, invoice=invoice, code=lot.rewards_account.code)
    assert redeemed.amount == Decimal("200.00")


def test_hole_2_account_credit_skips_what_a_payment_in_flight_holds(payer, account, billing_contact):
    from payments.ledger import account_credit_move
    from payments.services.credit import CreditError, account_credit_apply

    invoice = InvoiceFactory(account=account, subtotal=Decimal("1080.00"), tax=Decimal("0.00"))
    start(payer, account, [invoice])
    account_credit_move(
        account=account, currency="USD", amount=Decimal("1000.00"), kind=AccountCredit.Kind.ADJUSTMENT
    )
    with pytest.raises(CreditError):
        account_credit_apply(account=account, currency="USD", actor=billing_contact)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("1080.00")


def test_staff_reconciliation_leaves_a_held_amount_to_the_payment_in_flight(payer, account, billing_contact):
    from payments.services.offline import transfer_reconcile

    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))
    card = start(payer, account, [invoice], amount="1000.00")
    transfer = transfer_reconcile(
        account=account,
        method="bank_transfer",
        amount=Decimal("3000.00"),
        currency="USD",
        received_on=datetime.date.today(),
        bank_reference="WIRE-1",
        invoice_amounts=[(invoice, Decimal("3000.00"))],
        actor=billing_contact,
    )
    assert Allocation.objects.get(payment=transfer).amount == Decimal("2000.00")
    assert AccountCredit.objects.get(payment=transfer).amount == Decimal("1000.00")
    online.payment_succeed(payment=card)
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    assert not AccountCredit.objects.filter(payment=card).exists()
