import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from invoices.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from tests.factories import CustomerAccountFactory


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An issued invoice, Net 30, nothing paid yet. Pass `subtotal`/`tax` to change the amounts."""

    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"INV-T{100000 + n}")
    account = factory.SubFactory(CustomerAccountFactory)
    kind = InvoiceKind.CLOUD_SUBSCRIPTION
    state = InvoiceState.ISSUED
    issue_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + datetime.timedelta(days=o.payment_terms_days))
    payment_terms_days = 30
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    subtotal = Decimal("1000.00")
    tax = Decimal("200.00")
    total = factory.LazyAttribute(lambda o: o.subtotal + o.tax)
    amount_due = factory.LazyAttribute(lambda o: o.total)
    language = factory.LazyAttribute(lambda o: o.account.language)
    issued_at = factory.LazyFunction(timezone.now)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    order_number = factory.Sequence(lambda n: f"ORD-{50000 + n}")
    product = "OCI Universal Credits"
    description = factory.LazyAttribute(lambda o: f"{o.product} — order {o.order_number}")
    quantity = Decimal("1")
    unit_price = factory.LazyAttribute(lambda o: o.amount)
    amount = Decimal("1000.00")
    tax = Decimal("200.00")
