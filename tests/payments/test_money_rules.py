"""Money rules across the ledger: rewards are never cash, a cancelled paid invoice pays the others.

Seeds: "Si la facture litigieuse est seulement annulée, le montant payé sera utilisé pour honorer vos
autres factures impayées. Si vous n'avez pas d'autres factures impayées, l'assistance de facturation
lance un processus de remboursement." — and Support Rewards "ne peuvent pas être échangés en espèces",
"une note de crédit ne sera pas émise" for them.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import ActivityEntry
from invoices.locking import invoices_lock
from invoices.models import CreditMemo, Invoice, InvoiceKind, InvoiceState
from invoices.selectors import invoice_applied_entries
from invoices.services import InvoiceError
from payments.ledger import (
    LedgerError,
    account_credit_balance,
    invoice_reduce_balance,
    invoice_restore_balance,
    payment_allocate,
    payment_create,
    payment_reverse_allocations,
    payment_transition,
)
from payments.models import AccountCredit, Allocation, PaymentMethod, PaymentProvider, PaymentStatus, Refund
from payments.services.cancellation import invoice_cancel, invoice_reissue_with_paid_amount
from payments.services.credit import CreditError, refund_request
from rewards.models import LotStatus, Redemption, RewardAdjustment, RewardLot
from rewards.selectors import rewards_applicable_amount, rewards_balance
from rewards.services import rewards_redeem
from tests.invoices.factories import DraftInvoiceFactory, InvoiceFactory
from tests.payments.factories import invoice_paid as pay
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = pytest.mark.django_db
D = Decimal


# --- helpers ---------------------------------------------------------------------------------------------


def invoice_due(account, day, total="1200.00", **kwargs):
    issue = datetime.date(2026, 1, day)
    return InvoiceFactory(
        account=account,
        issue_date=issue,
        due_date=issue + datetime.timedelta(days=30),
        subtotal=D(total) - D("200.00"),
        **kwargs,
    )


def assert_ledger_holds():
    """amount_due = total − Σ allocations − Σ credit memos (rewards are allocations of a rewards payment),
    never negative, for every invoice; every lot's remaining is what its rows say."""
    for invoice in Invoice.objects.all():
        allocated = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or D("0")
        credited = CreditMemo.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or D("0")
        assert invoice.amount_due >= 0, invoice.number
        assert invoice.total - allocated - credited == invoice.amount_due, invoice.number
        if invoice.state == InvoiceState.CANCELLED:
            assert invoice.amount_due == 0, invoice.number
    for lot in RewardLot.objects.all():
        redeemed = Redemption.objects.filter(lot=lot).aggregate(s=Sum("amount"))["s"] or D("0")
        adjusted = RewardAdjustment.objects.filter(lot=lot).aggregate(s=Sum("amount"))["s"] or D("0")
        expired = lot.expired_amount or D("0")
        assert lot.remaining == lot.amount - redeemed + adjusted - expired, lot.pk


@pytest.fixture
def rewards_account(account):
    return RewardsAccountFactory(account=account)


def lots(rewards_account, *amounts):
    """Lots earned 3, 2, 1 months ago...: the first one expires first."""
    today = timezone.localdate().replace(day=1)
    created = []
    for months_ago, amount in zip(range(len(amounts), 0, -1), amounts, strict=True):
        month = today
        for _ in range(months_ago):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        created.append(
            RewardLotFactory(rewards_account=rewards_account, month_earned=month, amount=D(amount))
        )
    return created


def paid_support_invoice(account, billing_contact, rewards_account, **kwargs):
    """1 000.00 support paid by rewards (600 + 400 from two lots), the 82.50 tax paid by card."""
    invoice = support_invoice(account, **kwargs)
    first, second = lots(rewards_account, "600.00", "500.00")
    rewards_redeem(user=billing_contact, account=account, invoice=invoice, code=rewards_account.code)
    pay(invoice, "82.50")
    invoice.refresh_from_db()
    assert invoice.amount_due == D("0.00")
    return invoice, first, second


# --- 1. rewards are never cash ------------------------------------------------------------------------------


def test_rewards_are_never_cash_a_rewards_payment_never_leaves_account_credit(account):
    invoice = support_invoice(account)  # 1 082.50 due
    with pytest.raises(LedgerError, match="never become account credit"):
        pay(invoice, "1100.00", method=PaymentMethod.REWARDS)
    invoice.refresh_from_db()
    assert invoice.amount_due == D("1082.50")
    assert not AccountCredit.objects.exists() and not Allocation.objects.exists()


def test_rewards_are_never_cash_cancelling_returns_them_to_their_lots(
    account, billing_contact, rewards_account
):
    invoice, first, second = paid_support_invoice(account, billing_contact, rewards_account)
    assert rewards_balance(rewards_account=rewards_account) == D("100.00")

    invoice_cancel(invoice=invoice, actor=None, reason="Ordered twice")

    invoice.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.remaining, second.remaining) == (D("600.00"), D("500.00"))
    assert first.status == second.status == LotStatus.AVAILABLE
    assert rewards_balance(rewards_account=rewards_account) == D("1100.00")
    assert sorted(a.amount for a in RewardAdjustment.objects.all()) == [D("400.00"), D("600.00")]
    # Only the card's 82.50 became account credit; the 1 000.00 of rewards did not.
    assert account_credit_balance(account=account, currency=invoice.currency) == D("82.50")
    assert CreditMemo.objects.get(invoice=invoice).amount == D("1082.50")
    assert invoice.amount_due == D("0.00") and invoice.state == InvoiceState.CANCELLED
    labels = [entry.label for entry in invoice_applied_entries(invoice=invoice) if entry.kind == "reversal"]
    assert sorted(labels) == ["Payment reversed", "Support Rewards returned to their lots"]
    assert_ledger_holds()


def test_rewards_are_never_cash_no_refund_for_a_cancelled_invoice_paid_by_rewards(
    account, billing_contact, rewards_account
):
    invoice = support_invoice(account, tax=D("0.00"))
    lots(rewards_account, "1000.00")
    rewards_redeem(user=billing_contact, account=account, invoice=invoice, code=rewards_account.code)
    invoice_cancel(invoice=invoice, actor=None, reason="Ordered twice")
    assert not AccountCredit.objects.exists()
    with pytest.raises(CreditError):
        refund_request(account=account, currency=invoice.currency, actor=billing_contact)
    assert not Refund.objects.exists()
    assert rewards_balance(rewards_account=rewards_account) == D("1000.00")


def test_rewards_are_never_cash_returned_to_an_expired_lot_they_expire(
    account, billing_contact, rewards_account
):
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        invoice = support_invoice(account, tax=D("0.00"))
        (lot,) = lots(rewards_account, "300.00")
        rewards_redeem(user=billing_contact, account=account, invoice=invoice, code=rewards_account.code)
    # Time passes: the lot's last valid day was yesterday.
    day_after_expiry = datetime.datetime.combine(lot.expires_on, datetime.time(10), tzinfo=datetime.UTC)
    with time_machine.travel(day_after_expiry + datetime.timedelta(days=1), tick=False):
        invoice_cancel(invoice=invoice, actor=None, reason="Dispute resolved")

    lot.refresh_from_db()
    assert lot.remaining == D("0.00")
    assert sorted(a.amount for a in RewardAdjustment.objects.filter(lot=lot)) == [D("-300.00"), D("300.00")]
    assert rewards_balance(rewards_account=rewards_account) == D("0.00")
    assert not AccountCredit.objects.exists()
    assert_ledger_holds()


def test_rewards_are_never_cash_a_reissue_reapplies_them_to_the_new_support_invoice(
    account, billing_contact, rewards_account
):
    old, first, second = paid_support_invoice(account, billing_contact, rewards_account)
    new = support_invoice(account)

    result = invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=billing_contact)

    new.refresh_from_db()
    assert new.amount_due == D("0.00")
    assert result.rewards_payment.method == PaymentMethod.REWARDS
    assert result.rewards_payment.amount == D("1000.00")
    assert result.paid_amount == D("82.50") and result.carried_payment.amount == D("82.50")
    assert account_credit_balance(account=account, currency=new.currency) == D("0.00")
    assert rewards_balance(rewards_account=rewards_account) == D("100.00")
    assert Redemption.objects.filter(invoice=new).aggregate(s=Sum("amount"))["s"] == D("1000.00")
    assert_ledger_holds()


def test_rewards_are_never_cash_a_reissue_on_an_ineligible_invoice_keeps_them_on_the_lots(
    account, billing_contact, rewards_account
):
    old, _first, _second = paid_support_invoice(account, billing_contact, rewards_account)
    new = InvoiceFactory(account=account, kind=InvoiceKind.CLOUD_SUBSCRIPTION)  # 1 200.00, not support

    result = invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=billing_contact)

    new.refresh_from_db()
    assert result.rewards_payment is None
    assert new.amount_due == D("1117.50")  # only the card's 82.50 was carried
    assert rewards_balance(rewards_account=rewards_account) == D("1100.00")
    assert not AccountCredit.objects.filter(amount__gt=D("82.50")).exists()
    assert_ledger_holds()


# --- 2. a cancelled paid invoice pays the other unpaid invoices -------------------------------------------


def test_cancelled_paid_invoice_pays_the_other_open_invoices_oldest_due_first(account):
    disputed = invoice_due(account, 1)
    pay(disputed, "1200.00")
    newest = invoice_due(account, 20, total="1000.00")
    oldest = invoice_due(account, 5, total="1000.00")

    invoice_cancel(invoice=disputed, actor=None, reason="Dispute resolved")

    for invoice in (disputed, oldest, newest):
        invoice.refresh_from_db()
    assert disputed.state == InvoiceState.CANCELLED and disputed.amount_due == D("0.00")
    assert CreditMemo.objects.get(invoice=disputed).amount == D("1200.00")
    assert (oldest.amount_due, newest.amount_due) == (D("0.00"), D("800.00"))
    movements = list(AccountCredit.objects.order_by("pk").values_list("kind", "amount"))
    assert movements == [
        (AccountCredit.Kind.DISPUTE, D("1200.00")),
        (AccountCredit.Kind.APPLIED, D("-1200.00")),
    ]
    assert account_credit_balance(account=account, currency=disputed.currency) == D("0.00")
    assert_ledger_holds()


def test_cancelled_paid_invoice_with_no_other_open_invoice_leaves_credit_to_refund(account, billing_contact):
    disputed = invoice_due(account, 1)
    pay(disputed, "700.00")  # partly paid
    InvoiceFactory(account=account, currency="EUR")  # open, but in another currency

    invoice_cancel(invoice=disputed, actor=None, reason="Dispute resolved")

    disputed.refresh_from_db()
    assert disputed.amount_due == D("0.00")
    assert CreditMemo.objects.get(invoice=disputed).amount == D("1200.00")
    assert account_credit_balance(account=account, currency="USD") == D("700.00")
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    assert refund.amount == D("700.00")
    assert_ledger_holds()


def test_cancelled_card_paid_invoice_credit_is_refunded_to_that_card(account, billing_contact):
    disputed = invoice_due(account, 1)
    card = pay(disputed, "1200.00")
    invoice_cancel(invoice=disputed, actor=None, reason="Dispute resolved")
    assert AccountCredit.objects.get(kind=AccountCredit.Kind.DISPUTE).payment == card
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    assert refund.payment == card and refund.amount == D("1200.00")


def test_cancelled_invoice_credit_is_withdrawn_when_its_debit_is_returned(account):
    disputed = invoice_due(account, 1)
    debit = pay(disputed, "1200.00", method=PaymentMethod.SEPA_DEBIT)
    invoice_cancel(invoice=disputed, actor=None, reason="Dispute resolved")
    assert account_credit_balance(account=account, currency="USD") == D("1200.00")

    payment_transition(payment=debit, to_status=PaymentStatus.FAILED, note="returned by the bank")
    payment_reverse_allocations(payment=debit, reason="returned by the bank")

    assert account_credit_balance(account=account, currency="USD") == D("0.00")
    disputed.refresh_from_db()
    assert disputed.amount_due == D("0.00")  # still cancelled and credited
    assert_ledger_holds()


def test_returned_debit_whose_credit_was_already_used_is_flagged_for_billing_support(account):
    disputed = invoice_due(account, 1)
    debit = pay(disputed, "1200.00", method=PaymentMethod.SEPA_DEBIT)
    other = invoice_due(account, 5, total="1000.00")
    invoice_cancel(invoice=disputed, actor=None, reason="Dispute resolved")  # pays `other`, 200 left
    payment_transition(payment=debit, to_status=PaymentStatus.FAILED, note="returned")
    payment_reverse_allocations(payment=debit, reason="returned")
    assert account_credit_balance(account=account, currency="USD") == D("0.00")
    entry = ActivityEntry.objects.get(action="payment.credit_shortfall")
    assert entry.details == {"credited": "1200.00", "withdrawn": "200.00"}
    other.refresh_from_db()
    assert other.amount_due == D("0.00")
    assert_ledger_holds()


def test_ledger_equation_holds_for_every_invoice_after_cancel_and_reissue(account, billing_contact):
    first = invoice_due(account, 1)
    pay(first, "500.00")
    pay(first, "300.00", method=PaymentMethod.PAYPAL)
    second = invoice_due(account, 2)
    pay(second, "1200.00")
    other = invoice_due(account, 3, total="400.00")
    invoice_cancel(invoice=first, actor=None, reason="Ordered twice")
    assert_ledger_holds()
    replacement = invoice_due(account, 28, total="900.00")
    invoice_reissue_with_paid_amount(invoice=second, new_invoice=replacement, actor=billing_contact)
    assert_ledger_holds()
    other.refresh_from_db()
    replacement.refresh_from_db()
    assert other.amount_due == D("0.00")  # 400 of the 800 paid on `first`
    assert replacement.amount_due == D("0.00")
    # 800 − 400 left by the cancel, plus 1 200 − 900 left by the reissue.
    assert account_credit_balance(account=account, currency="USD") == D("700.00")


# --- 3. ledger primitives --------------------------------------------------------------------------------


def test_ledger_refuses_an_amount_finer_than_the_currency_minor_unit(account):
    invoice = invoice_due(account, 1)
    with pytest.raises(LedgerError, match="whole amount"), transaction.atomic():
        invoice_reduce_balance(invoice=invoices_lock(invoice_ids=[invoice.pk])[0], amount=D("0.005"))
    with pytest.raises(LedgerError, match="whole amount"), transaction.atomic():
        invoice_restore_balance(invoice=invoices_lock(invoice_ids=[invoice.pk])[0], amount=D("0.001"))


def test_payment_allocation_rounds_requested_parts_to_the_minor_unit(account):
    invoice = invoice_due(account, 1)
    payment = payment_create(
        account=account,
        method=PaymentMethod.CARD,
        provider=PaymentProvider.STRIPE,
        amount=D("100.00"),
        currency="USD",
        started_by=None,
    )
    payment = payment_transition(payment=payment, to_status=PaymentStatus.SUCCEEDED)
    (allocation,) = payment_allocate(payment=payment, invoice_amounts=[(invoice.pk, D("99.995"))])
    assert allocation.amount == D("100.00")
    assert not AccountCredit.objects.exists()
    assert_ledger_holds()


def test_payment_allocation_never_pays_a_draft_invoice(account):
    draft = DraftInvoiceFactory(account=account)
    pay(draft, "1200.00")
    draft.refresh_from_db()
    assert draft.amount_due == draft.total
    assert account_credit_balance(account=account, currency="USD") == D("1200.00")
    assert_ledger_holds()


def test_cancel_refuses_whole_when_rewards_cannot_be_traced_to_their_lots(account):
    invoice = support_invoice(account)
    pay(invoice, "1000.00", method=PaymentMethod.REWARDS)  # a rewards payment without its redemption rows
    with pytest.raises(InvoiceError, match="cannot be cancelled"):
        invoice_cancel(invoice=invoice, actor=None, reason="Ordered twice")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.ISSUED and invoice.amount_due == D("82.50")
    assert not CreditMemo.objects.exists() and not AccountCredit.objects.exists()
    assert not Allocation.objects.filter(amount__lt=0).exists()


def test_rewards_are_never_cash_a_reversed_rewards_payment_goes_back_to_its_lots(
    account, billing_contact, rewards_account
):
    invoice = support_invoice(account)
    lots(rewards_account, "400.00")
    payment = rewards_redeem(
        user=billing_contact, account=account, invoice=invoice, code=rewards_account.code
    )
    payment_reverse_allocations(payment=payment, reason="redeemed by mistake")
    invoice.refresh_from_db()
    assert invoice.amount_due == D("1082.50")
    assert rewards_balance(rewards_account=rewards_account) == D("400.00")
    assert rewards_applicable_amount(invoice=invoice) == D("1000.00")  # may be redeemed again
    assert not AccountCredit.objects.exists()
    assert_ledger_holds()
