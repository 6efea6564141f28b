import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import CustomerAccount, Membership, Role
from invoices.models import Invoice, InvoiceStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_every_status_role_and_two_countries():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (CustomerAccount.objects.count(), Invoice.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (CustomerAccount.objects.count(), Invoice.objects.count(), Membership.objects.count()) == counts

    accounts = CustomerAccount.objects.all()
    assert len({a.country for a in accounts}) >= 2
    assert len({a.currency for a in accounts}) >= 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    statuses = {invoice.status for invoice in Invoice.objects.visible().with_status()}
    assert statuses >= set(InvoiceStatus.values)


def test_demo_balances_follow_the_ledger_equation():
    """amount_due = total − Σ allocations − Σ credit memos, for every demo invoice."""
    call_command("seed_demo", stdout=io.StringIO())
    for invoice in Invoice.objects.all():
        allocated = invoice.allocations.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        credited = invoice.credit_memos.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        assert invoice.amount_due == invoice.total - allocated - credited, invoice.number
