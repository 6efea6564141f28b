"""Billing support's admin pages for payments: they load, money rows are read-only, refund actions work."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.ledger import payment_allocate
from payments.models import PaymentMethod, PaymentProvider, Refund
from payments.services.credit import refund_request
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory
from tests.payments.factories import PaymentFactory, RemittanceAdviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return staff_sign_in(client, staff_user())


@pytest.mark.parametrize(
    "model",
    ["payment", "allocation", "accountcredit", "refund", "remittanceadvice", "cardlimit", "webhookevent"],
)
def test_admin_lists_load(staff_client, account, model):
    invoice = InvoiceFactory(account=account)
    payment = PaymentFactory(account=account, amount=Decimal("1500.00"))
    payment_allocate(payment=payment, invoice_amounts=[(invoice.pk, Decimal("1200.00"))])
    RemittanceAdviceFactory(invoice=InvoiceFactory(account=account))
    assert staff_client.get(reverse(f"admin:payments_{model}_changelist")).status_code == 200


def test_payment_page_is_read_only_with_its_allocations(staff_client, account):
    invoice = InvoiceFactory(account=account)
    payment = PaymentFactory(account=account)
    payment_allocate(payment=payment, invoice_amounts=[(invoice.pk, Decimal("1200.00"))])
    page = staff_client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert invoice.number in page
    assert 'name="amount"' not in page  # no editable money field
    response = staff_client.post(reverse("admin:payments_payment_change", args=[payment.pk]), {"amount": "1"})
    assert response.status_code == 403


def test_card_refund_action_sends_bank_refunds_to_their_form(staff_client, account, billing_contact):
    payment = PaymentFactory(
        account=account,
        amount=Decimal("300.00"),
        method=PaymentMethod.CHEQUE,
        provider=PaymentProvider.OFFLINE,
    )
    payment_allocate(payment=payment, invoice_amounts=[])
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    response = staff_client.post(
        reverse("admin:payments_refund_changelist"),
        {"action": "approve_card_refunds", "_selected_action": [refund.pk]},
        follow=True,
    )
    assert "needs its transfer reference" in response.content.decode()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED


def test_reject_action(staff_client, account, billing_contact):
    payment = PaymentFactory(account=account, amount=Decimal("300.00"))
    payment_allocate(payment=payment, invoice_amounts=[])
    refund = refund_request(account=account, currency="USD", actor=billing_contact)
    staff_client.post(
        reverse("admin:payments_refund_changelist"),
        {"action": "reject_refunds", "_selected_action": [refund.pk]},
    )
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REJECTED
