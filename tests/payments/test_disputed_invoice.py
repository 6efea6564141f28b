"""A disputed invoice with a balance (issue 9, hole 5): the demo's INV-US-1006, 3 464.00 USD due.

Seeds: a dispute goes to billing support; if it is legitimate the customer gets a credit memo (and a new
invoice when needed). Disputes cover the whole invoice here (no disputed part is recorded), so there is no
undisputed part to pay online: the pay page says so and what the customer can do, never "Nothing is left".
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from invoices.models import InvoiceState
from invoices.selectors import invoice_balances_for_account
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def inv_1006(account):
    return InvoiceFactory(
        account=account,
        number="INV-US-1006",
        state=InvoiceState.DISPUTED,
        subtotal=Decimal("3200.00"),
        tax=Decimal("264.00"),
        issue_date=TODAY - datetime.timedelta(days=25),
    )


def test_pay_page_of_a_disputed_invoice_says_it_is_disputed_and_what_to_do(client_of, payer, inv_1006):
    response = client_of(payer).get(f"{reverse('payments:pay')}?invoice=INV-US-1006")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing is left to pay" not in page
    assert 'data-testid="disputed-notice"' in page
    assert "$3,464.00" in page
    assert "disputed" in page.lower()
    assert "mailto:billing-support@" in page  # who to ask, with the invoice number filled in
    assert "INV-US-1006" in page


def test_pay_page_with_a_disputed_and_an_open_invoice_pays_the_open_one_and_explains_the_other(
    client_of, payer, account, inv_1006
):
    open_invoice = InvoiceFactory(account=account, subtotal=Decimal("5000.00"), tax=Decimal("0.00"))
    page = (
        client_of(payer)
        .get(f"{reverse('payments:pay')}?invoice=INV-US-1006&invoice={open_invoice.number}")
        .content.decode()
    )
    assert 'data-testid="pay-continue"' in page
    assert 'data-testid="disputed-notice"' in page


def test_dashboard_counts_the_disputed_invoice_with_its_balance(client_of, billing_contact, inv_1006):
    [balance] = invoice_balances_for_account(account=inv_1006.account)
    assert balance.disputed_count == 1
    assert balance.disputed_amount == Decimal("3464.00")
    assert balance.open_count == 1  # unpaid invoices include the disputed one
    page = client_of(billing_contact).get(reverse("dashboard")).content.decode()
    assert "all paid up" not in page
    assert 'data-testid="disputed"' in page
    assert "$3,464.00" in page
    assert "1 unpaid invoice" in page
