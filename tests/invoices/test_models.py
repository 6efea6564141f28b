import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from invoices.models import Invoice, InvoiceState, InvoiceStatus
from invoices.selectors import remittance_for_currency
from tests.invoices.factories import InvoiceFactory, RemittanceInstructionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def make(**kwargs):
    return InvoiceFactory(issue_date=TODAY - datetime.timedelta(days=kwargs.pop("age", 0)), **kwargs)


def status_in_db(invoice):
    return Invoice.objects.with_status(today=TODAY).get(pk=invoice.pk).status


@pytest.mark.parametrize(
    ("age", "amount_due", "state", "expected"),
    [
        (0, Decimal("1200.00"), InvoiceState.ISSUED, InvoiceStatus.OPEN),
        (30, Decimal("1200.00"), InvoiceState.ISSUED, InvoiceStatus.OPEN),  # due today: not late yet
        (31, Decimal("1200.00"), InvoiceState.ISSUED, InvoiceStatus.OVERDUE),  # Net 30 passed
        (31, Decimal("0.01"), InvoiceState.ISSUED, InvoiceStatus.OVERDUE),
        (45, Decimal("0.00"), InvoiceState.ISSUED, InvoiceStatus.CLOSED),
        (5, Decimal("0.00"), InvoiceState.ISSUED, InvoiceStatus.CLOSED),
        (45, Decimal("1200.00"), InvoiceState.DISPUTED, InvoiceStatus.DISPUTED),
        (45, Decimal("0.00"), InvoiceState.CANCELLED, InvoiceStatus.CANCELLED),
    ],
)
def test_status_is_derived_from_due_date_balance_and_state(age, amount_due, state, expected):
    invoice = make(age=age, amount_due=amount_due, state=state)
    assert invoice.status_on(TODAY) == expected
    assert status_in_db(invoice) == expected
    assert Invoice.objects.with_status_filter(expected, today=TODAY).filter(pk=invoice.pk).exists()


def test_due_date_is_issue_date_plus_net_30_by_default():
    invoice = InvoiceFactory(issue_date=datetime.date(2026, 1, 31))
    assert invoice.payment_terms_days == 30
    assert invoice.due_date == datetime.date(2026, 3, 2)


def test_database_refuses_a_negative_balance():
    invoice = InvoiceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(amount_due=Decimal("-0.01"))


def test_database_refuses_a_balance_above_the_total():
    invoice = InvoiceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(amount_due=invoice.total + Decimal("0.01"))


def test_only_issued_or_disputed_invoices_with_a_balance_can_be_paid():
    """Issue 13: paying a disputed invoice stays possible (automatic payment and reminders pause: payable())."""
    assert InvoiceFactory().can_be_paid()
    assert not InvoiceFactory(amount_due=Decimal("0")).can_be_paid()
    assert InvoiceFactory(state=InvoiceState.DISPUTED).can_be_paid()
    assert not InvoiceFactory(state=InvoiceState.CANCELLED).can_be_paid()
    assert not Invoice.objects.payable().filter(state=InvoiceState.DISPUTED).exists()


def test_remittance_instructions_are_configured_per_currency():
    RemittanceInstructionFactory(currency="USD", routing_number="021000021")
    RemittanceInstructionFactory(
        currency="EUR", account_number="FR76 3000 6000 0112 3456 7890 189", routing_number=""
    )
    assert remittance_for_currency(currency="USD").routing_number == "021000021"
    assert remittance_for_currency(currency="EUR").account_number.startswith("FR76")
    assert remittance_for_currency(currency="GBP") is None
