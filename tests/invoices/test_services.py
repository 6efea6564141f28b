from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import ActivityEntry
from invoices.emails import EmailKind
from invoices.locking import invoices_lock
from invoices.models import CreditMemo, Invoice, InvoiceState
from invoices.selectors import invoice_applied_entries
from invoices.services import InvoiceError, invoice_issue
from notifications.models import OutboxEmail
from payments.ledger import (
    LedgerError,
    account_credit_balance,
    invoice_credit_balance,
    invoice_reduce_balance,
    payment_reverse_allocations,
    payment_transition,
)
from payments.models import PaymentMethod, PaymentStatus
from payments.services.cancellation import invoice_cancel
from tests.invoices.factories import DraftInvoiceFactory, InvoiceFactory
from tests.payments.factories import invoice_paid as pay

pytestmark = pytest.mark.django_db


def test_issue_moves_draft_to_issued_records_activity_and_sends_the_email_on_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    invoice = DraftInvoiceFactory(number="INV-US-1001")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(invoice=invoice)
    assert invoice.state == InvoiceState.ISSUED and invoice.issued_at is not None
    assert invoice.version == 2
    assert ActivityEntry.objects.filter(action="invoice.issued", target="INV-US-1001").exists()
    email = OutboxEmail.objects.get(object_id=invoice.pk, kind=EmailKind.ISSUED)
    assert email.dedupe_key == f"invoice:{invoice.pk}:v2" and email.status == "sent"
    assert len(mailoutbox) == 1 and "INV-US-1001" in mailoutbox[0].subject


def test_issue_sends_nothing_before_the_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(invoice=DraftInvoiceFactory())
    assert mailoutbox == [] and len(callbacks) == 1


def test_an_issued_invoice_cannot_be_issued_again():
    with pytest.raises(InvoiceError):
        invoice_issue(invoice=InvoiceFactory())


def test_cancel_creates_a_credit_memo_for_the_balance_and_keeps_the_invoice():
    invoice = InvoiceFactory(number="INV-FR-2004", subtotal=Decimal("850.00"), tax=Decimal("170.00"))
    pay(invoice, Decimal("20.00"))
    invoice_cancel(invoice=invoice, actor=None, reason="Ordered twice")
    invoice.refresh_from_db()
    memo = CreditMemo.objects.get(invoice=invoice)
    # The 20.00 paid is given back as account credit, so the memo credits the whole 1 020.00.
    assert memo.amount == Decimal("1020.00") and memo.number == "CM-INV-FR-2004-1"
    assert invoice.amount_due == Decimal("0.00")
    assert account_credit_balance(account=invoice.account, currency=invoice.currency) == Decimal("20.00")
    assert invoice.state == InvoiceState.CANCELLED and invoice.status == "cancelled"
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    assert ActivityEntry.objects.filter(action="invoice.cancelled", target="INV-FR-2004").exists()


def test_cancel_needs_a_reason_and_happens_once():
    invoice = InvoiceFactory()
    with pytest.raises(InvoiceError):
        invoice_cancel(invoice=invoice, actor=None, reason=" ")
    invoice_cancel(invoice=invoice, actor=None, reason="Duplicate")
    with pytest.raises(InvoiceError):
        invoice_cancel(invoice=invoice, actor=None, reason="Duplicate")
    assert CreditMemo.objects.filter(invoice=invoice).count() == 1


def test_cancel_of_a_paid_invoice_credits_it_whole_and_makes_the_payment_account_credit():
    invoice = InvoiceFactory()
    pay(invoice, invoice.total)
    invoice_cancel(invoice=invoice, actor=None, reason="Replaced by a corrected invoice")
    invoice.refresh_from_db()
    assert CreditMemo.objects.get(invoice=invoice).amount == invoice.total
    assert invoice.amount_due == Decimal("0.00")
    assert account_credit_balance(account=invoice.account, currency=invoice.currency) == invoice.total


def test_ledger_refuses_to_take_more_than_the_balance():
    invoice = InvoiceFactory()
    with pytest.raises(LedgerError), transaction.atomic():
        locked = invoices_lock(invoice_ids=[invoice.pk])[0]
        invoice_reduce_balance(invoice=locked, amount=invoice.total + Decimal("0.01"))


def test_applied_entries_list_payments_rewards_credit_memos_and_reversals():
    invoice = InvoiceFactory(subtotal=Decimal("24400.00"), tax=Decimal("2013.00"))
    card = pay(invoice, Decimal("1000.00"))
    rewards = pay(invoice, Decimal("6100.00"), method=PaymentMethod.REWARDS)
    payment_transition(payment=card, to_status=PaymentStatus.FAILED, note="bounced")
    payment_reverse_allocations(payment=card, reason="bounced")
    with transaction.atomic():
        invoice_credit_balance(invoice=invoices_lock(invoice_ids=[invoice.pk])[0], reason="Dispute resolved")

    entries = invoice_applied_entries(invoice=invoice)
    kinds = [entry.kind for entry in entries]
    assert sorted(kinds) == ["credit_memo", "payment", "reversal", "rewards"]
    by_kind = {entry.kind: entry for entry in entries}
    assert by_kind["payment"].amount == Decimal("1000.00") and by_kind["payment"].reference == card.reference
    assert by_kind["reversal"].amount == Decimal("-1000.00")
    assert (
        by_kind["rewards"].amount == Decimal("6100.00")
        and by_kind["rewards"].method_display == "Support Rewards"
    )
    assert by_kind["credit_memo"].amount == Decimal("20313.00")
    assert rewards.reference == by_kind["rewards"].reference


def test_applied_entries_cost_two_queries(django_assert_num_queries):
    invoice = InvoiceFactory()
    for _ in range(3):
        pay(invoice, Decimal("100.00"))
    with django_assert_num_queries(2):
        assert len(invoice_applied_entries(invoice=invoice)) == 3
