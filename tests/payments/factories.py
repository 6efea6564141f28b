"""factory-boy factories for the payments app (shared by the payments test modules)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from payments.models import (
    Payment,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    Refund,
    RemittanceAdvice,
    RemittanceMethod,
)
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import InvoiceFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment row as a provider left it. Use payments.ledger.payment_allocate to apply it to invoices."""

    class Meta:
        model = Payment

    account = factory.SubFactory(CustomerAccountFactory)
    method = PaymentMethod.CARD
    provider = PaymentProvider.STRIPE
    reference = factory.Sequence(lambda n: f"PAY-T{100000 + n}")
    idempotency_key = factory.LazyAttribute(lambda o: f"cc-{o.reference}")
    provider_reference = ""
    amount = Decimal("1200.00")
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    status = PaymentStatus.SUCCEEDED
    settled_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == PaymentStatus.SUCCEEDED else None
    )


class RemittanceAdviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemittanceAdvice

    invoice = factory.SubFactory(InvoiceFactory)
    account = factory.LazyAttribute(lambda o: o.invoice.account)
    method = RemittanceMethod.BANK_TRANSFER
    paid_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    amount = factory.LazyAttribute(lambda o: o.invoice.amount_due)
    currency = factory.LazyAttribute(lambda o: o.invoice.currency)
    customer_reference = factory.Sequence(lambda n: f"WIRE-{n}")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    account = factory.SubFactory(CustomerAccountFactory)
    amount = Decimal("100.00")
    currency = factory.LazyAttribute(lambda o: o.account.currency)


def invoice_paid(invoice, amount, method=PaymentMethod.CARD):
    """A succeeded payment of `amount` applied to `invoice` through the ledger (rewards: the rewards provider)."""
    from payments.ledger import payment_allocate, payment_create, payment_transition

    provider = PaymentProvider.REWARDS if method == PaymentMethod.REWARDS else PaymentProvider.STRIPE
    payment = payment_create(
        account=invoice.account,
        method=method,
        provider=provider,
        amount=Decimal(amount),
        currency=invoice.currency,
        started_by=None,
    )
    payment = payment_transition(payment=payment, to_status=PaymentStatus.SUCCEEDED)
    payment_allocate(payment=payment, invoice_amounts=[(invoice.pk, Decimal(amount))])
    return payment
