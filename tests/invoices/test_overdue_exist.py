"""invoices.page_rows.invoices_overdue_exist: the "Pay all overdue" button's question, from SQL compiled once."""

import datetime
from decimal import Decimal

import pytest

from invoices.models import InvoiceState
from invoices.page_rows import invoices_overdue_exist
from tests.factories import MembershipFactory
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def invoice_due(account, due: datetime.date, **fields):
    return InvoiceFactory(account=account, issue_date=due - datetime.timedelta(days=30), **fields)


def test_only_an_issued_invoice_of_the_members_account_with_a_balance_past_its_due_date_counts():
    member = MembershipFactory(role="billing_contact")
    account, user = member.account, member.user
    invoice_due(account, TODAY)  # due today: not overdue yet
    invoice_due(account, TODAY - datetime.timedelta(days=3), amount_due=Decimal("0.00"))  # paid
    invoice_due(account, TODAY - datetime.timedelta(days=3), state=InvoiceState.DISPUTED)
    invoice_due(account, TODAY - datetime.timedelta(days=3), state=InvoiceState.DRAFT)
    stranger = MembershipFactory(role="billing_contact")
    invoice_due(stranger.account, TODAY - datetime.timedelta(days=3))  # another account's
    assert invoices_overdue_exist(user=user, account=account, today=TODAY) is False
    assert invoices_overdue_exist(user=stranger.user, account=stranger.account, today=TODAY) is True
    assert invoices_overdue_exist(user=stranger.user, account=account, today=TODAY) is False  # not a member

    invoice_due(account, TODAY - datetime.timedelta(days=1))
    assert invoices_overdue_exist(user=user, account=account, today=TODAY) is True
    assert (
        invoices_overdue_exist(user=user, account=account, today=TODAY - datetime.timedelta(days=1)) is False
    )


def test_the_check_is_one_query_whatever_the_request(django_assert_num_queries):
    member = MembershipFactory(role="billing_contact")
    for day in (TODAY, TODAY + datetime.timedelta(days=40)):
        with django_assert_num_queries(1):
            invoices_overdue_exist(user=member.user, account=member.account, today=day)
