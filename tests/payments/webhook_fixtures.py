"""The card payment the webhook tests send events about (tests/payments/test_webhooks.py and
tests/security/test_webhook_payloads.py import these fixtures: `invoice` and `payment`)."""

from decimal import Decimal

import pytest

from payments.models import PaymentMethod
from payments.services import online
from tests.invoices.factories import InvoiceFactory


@pytest.fixture(name="invoice")
def webhook_invoice(account):
    return InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))


@pytest.fixture(name="payment")
def webhook_card_payment(payer, account, invoice):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="wh-1",
    )
    payment.provider_reference = "pi_webhook_1"
    payment.save(update_fields=["provider_reference"])
    return payment
