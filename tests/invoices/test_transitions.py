"""Hole 8 of the money-core issue: an invoice's status changes only through one transition function, which
checks the move against the transitions table and records who changed it, when, why and the amounts."""

from decimal import Decimal

import pytest

from invoices.models import InvoiceEvent, InvoiceState
from invoices.services import INVOICE_TRANSITIONS, InvoiceError, invoice_issue, invoice_transition
from payments.services.cancellation import invoice_cancel, invoice_reissue_with_paid_amount
from tests.factories import UserFactory
from tests.invoices.factories import DraftInvoiceFactory, InvoiceFactory
from tests.payments.factories import invoice_paid as pay

pytestmark = pytest.mark.django_db


def test_reissue_cancels_the_old_invoice_through_the_transition_with_who_why_and_amounts():
    staff = UserFactory(is_staff=True)
    old = InvoiceFactory(state=InvoiceState.DISPUTED, subtotal=Decimal("1000.00"), tax=Decimal("200.00"))
    new = InvoiceFactory(account=old.account, currency=old.currency)
    pay(old, Decimal("300.00"))

    invoice_reissue_with_paid_amount(invoice=old, new_invoice=new, actor=staff, reason="Wrong quantity")

    event = InvoiceEvent.objects.get(invoice=old, to_state=InvoiceState.CANCELLED)
    assert event.from_state == InvoiceState.DISPUTED
    assert event.actor == staff
    assert event.reason == "Wrong quantity"
    assert event.amount_due == Decimal("900.00")  # the balance when the status changed, before the memo
    assert event.details["new_invoice"] == new.number


def test_reissue_refuses_a_move_the_transitions_table_forbids():
    draft = DraftInvoiceFactory()
    new = InvoiceFactory(account=draft.account, currency=draft.currency)
    # A draft was never sent: it is cancelled, not reissued with a paid amount.
    assert InvoiceState.CANCELLED in INVOICE_TRANSITIONS[InvoiceState.DRAFT]
    with pytest.raises(InvoiceError):
        invoice_transition(invoice=new, to_state=InvoiceState.DRAFT, actor=None, reason="back to draft")
    assert not InvoiceEvent.objects.filter(invoice=new).exists()


def test_every_status_change_leaves_one_event_row_in_order():
    staff = UserFactory(is_staff=True)
    invoice = DraftInvoiceFactory()
    invoice_issue(invoice=invoice, actor=staff, notify=False)
    invoice_transition(
        invoice=invoice, to_state=InvoiceState.DISPUTED, actor=staff, reason="Customer disputes"
    )
    invoice_cancel(invoice=invoice, actor=staff, reason="Dispute resolved")

    moves = list(InvoiceEvent.objects.filter(invoice=invoice).values_list("from_state", "to_state", "reason"))
    assert moves == [
        (InvoiceState.DRAFT, InvoiceState.ISSUED, ""),
        (InvoiceState.ISSUED, InvoiceState.DISPUTED, "Customer disputes"),
        (InvoiceState.DISPUTED, InvoiceState.CANCELLED, "Dispute resolved"),
    ]
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED


def test_a_refused_transition_changes_nothing():
    invoice = InvoiceFactory(state=InvoiceState.CANCELLED)
    with pytest.raises(InvoiceError):
        invoice_transition(invoice=invoice, to_state=InvoiceState.ISSUED, actor=None, reason="undo")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED
    assert not InvoiceEvent.objects.exists()
