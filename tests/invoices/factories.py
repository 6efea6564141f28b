import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from invoices.models import CreditMemo, Invoice, InvoiceKind, InvoiceLine, InvoiceState, RemittanceInstruction
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


class DraftInvoiceFactory(InvoiceFactory):
    state = InvoiceState.DRAFT
    issued_at = None


class CreditMemoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditMemo

    invoice = factory.SubFactory(InvoiceFactory)
    number = factory.Sequence(lambda n: f"CM-T{100000 + n}")
    amount = Decimal("100.00")
    currency = factory.LazyAttribute(lambda o: o.invoice.currency)
    reason = "Dispute resolved"


class RemittanceInstructionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemittanceInstruction
        django_get_or_create = ("currency",)

    currency = "USD"
    beneficiary = "Vendor Cloud Inc."
    bank_name = "First Commerce Bank"
    bank_address = "1 Bank Plaza, New York, NY 10005"
    account_number = "000123456789"
    swift_bic = "FCBKUS33"
    routing_number = "021000021"
    remittance_address = "Vendor Cloud Inc.\nPO Box 44471\nSan Francisco, CA 94144-4471"


def invoices_bulk_create(*, account, count: int, start: int = 0) -> list[Invoice]:
    """`count` issued invoices for `account` in a few INSERTs (bulk_create), varied dates, kinds and balances."""
    today = timezone.localdate()
    kinds = list(InvoiceKind.values)
    invoices = []
    for i in range(start, start + count):
        issue_date = today - datetime.timedelta(days=i % 700)
        subtotal = Decimal(1000 + (i % 97) * 10)
        tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
        total = subtotal + tax
        invoices.append(
            Invoice(
                number=f"INV-B{account.pk}-{i:06d}",
                account=account,
                kind=kinds[i % len(kinds)],
                state=InvoiceState.ISSUED,
                issue_date=issue_date,
                due_date=issue_date + datetime.timedelta(days=30),
                currency=account.currency,
                subtotal=subtotal,
                tax=tax,
                total=total,
                amount_due=total if i % 3 else Decimal("0.00"),
                po_number=f"PO-{i % 50:04d}" if i % 4 == 0 else "",
                language=account.language,
                issued_at=timezone.now(),
            )
        )
    return Invoice.objects.bulk_create(invoices, batch_size=2000)
