"""The checkout service: rewards first then the provider, all or nothing, a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkout.services import CheckoutRefused, checkout_submit, rewards_offered
from invoices.models import InvoiceKind
from payments.models import Payment, PaymentMethod
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory, invoices_bulk_create
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = pytest.mark.django_db


# Moved from tests/payments/test_policy.py with the rule (payments no longer imports rewards).
def test_support_rewards_offered_only_for_eligible_support_invoices():
    support = InvoiceFactory(kind=InvoiceKind.SUPPORT_RENEWAL)
    InvoiceLineFactory(
        invoice=support, product="Database Enterprise Edition Support", is_rewards_eligible_support=True
    )
    cloud = InvoiceFactory(kind=InvoiceKind.CLOUD_SUBSCRIPTION)
    InvoiceLineFactory(invoice=cloud)
    java = InvoiceFactory(kind=InvoiceKind.SUPPORT_RENEWAL)
    InvoiceLineFactory(invoice=java, product="Java SE Subscription", is_rewards_eligible_support=True)
    assert rewards_offered(invoices=[support]) is True
    assert rewards_offered(invoices=[cloud]) is False
    assert rewards_offered(invoices=[java]) is False
    assert rewards_offered(invoices=[cloud, support]) is True


def submit(user, account, invoices, **kwargs):
    defaults = {"amount": None, "method": PaymentMethod.CARD, "rewards_code": "", "token": "tok-1"}
    return checkout_submit(user=user, account=account, invoices=invoices, **{**defaults, **kwargs})


def test_rewards_first_over_several_invoices_oldest_due_first_then_the_card(payer, account):
    import datetime

    today = datetime.date.today()
    old = support_invoice(
        account, issue_date=today - datetime.timedelta(days=40), due_date=today - datetime.timedelta(days=5)
    )
    new = support_invoice(account)
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("1500.00"))
    result = submit(payer, account, [new, old], rewards_code=lot.rewards_account.code)
    assert [(p.intended_allocations[0]["number"], p.amount) for p in result.rewards_payments] == [
        (old.number, Decimal("1000.00")),
        (new.number, Decimal("500.00")),
    ]
    assert result.payment.amount == Decimal("2165.00") - Decimal("1500.00")


def test_a_refusal_after_rewards_leaves_nothing_spent(payer, account):
    support = support_invoice(account)
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("100.00"))
    with pytest.raises(CheckoutRefused) as refused:
        submit(payer, account, [support], method=PaymentMethod.PAYPAL, rewards_code=lot.rewards_account.code)
    assert refused.value.field == "method"
    assert not Payment.objects.exists()
    lot.refresh_from_db()
    assert lot.remaining == Decimal("100.00")


def test_a_double_submit_of_a_form_rewards_paid_in_full_returns_the_first_result(payer, account):
    support = support_invoice(account, tax=Decimal("0.00"))
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("5000.00"))
    first = submit(payer, account, [support], rewards_code=lot.rewards_account.code)
    again = submit(payer, account, [support], rewards_code=lot.rewards_account.code)
    assert first.payment is None and again.rewards_payments == first.rewards_payments


def test_a_pay_submit_costs_the_same_queries_for_10_or_40_invoices(client_of, payer, account):
    """The plan, the policy and the held amounts are read once, whatever the selection's size."""
    client = client_of(payer)

    def measure(invoices, token):
        data = {"invoice": [i.number for i in invoices], "method": "card", "token": token}
        with CaptureQueriesContext(connection) as page:
            assert client.post(reverse("payments:pay"), {**data, "refresh": "1"}).status_code == 200
        with CaptureQueriesContext(connection) as submitted:
            assert client.post(reverse("payments:pay"), data).status_code == 302
        return len(page), len(submitted)

    ten = measure(invoices_bulk_create(account=account, count=10, start=1), "q-10")
    forty = measure(invoices_bulk_create(account=account, count=40, start=100), "q-40")
    assert ten == forty
    assert Payment.objects.count() == 2
