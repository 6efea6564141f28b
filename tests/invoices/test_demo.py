import pytest

from invoices.models import CreditMemo, Invoice, InvoiceState

pytestmark = pytest.mark.django_db


def test_demo_cancelled_invoice_has_a_credit_memo_and_nothing_due_and_seeding_twice_changes_nothing():
    from portal.demo import seed_all

    seed_all()
    seed_all()
    cancelled = Invoice.objects.get(number="INV-FR-2004")
    assert cancelled.state == InvoiceState.CANCELLED and cancelled.amount_due == 0
    assert CreditMemo.objects.filter(invoice=cancelled).count() == 1
    assert CreditMemo.objects.get(invoice=cancelled).amount == cancelled.total
