"""Finding the invoice or order a message names, only among the current account's: a number from another
account, even one the user belongs to, is looked up exactly like a number that does not exist."""

from __future__ import annotations

from django.db.models import Func, Value
from django.db.models.functions import Replace, Upper

from invoices.models import Invoice
from invoices.selectors import invoices_for_user
from support.assistant.answers import Asker
from support.assistant.text import Reading, number_key


def _key_of(field: str):
    expression: Func = Upper(field)
    for separator in ("-", " ", "_", "/", "."):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def typed_invoice_number(reading: Reading) -> str:
    """The invoice number as the user typed it, upper-cased (echoed back the same for any number)."""
    if reading.invoice_numbers:
        return reading.invoice_numbers[0].upper()
    if reading.bare_numbers:
        return reading.bare_numbers[0]
    return ""


def invoice_named(asker: Asker, reading: Reading) -> Invoice | None:
    """The current account's invoice the message names ("INV-US-1002", "inv us 1002", "facture 1002")."""
    invoices = invoices_for_user(user=asker.user, account=asker.account).select_related("account")
    if reading.invoice_numbers:
        key = number_key(reading.invoice_numbers[0])
        return invoices.annotate(number_key=_key_of("number")).filter(number_key=key).first()
    for digits in reading.bare_numbers:
        matches = list(invoices.filter(number__regex=rf"(^|[^0-9]){digits}$")[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def order_key(reading: Reading) -> str:
    return number_key(reading.order_numbers[0]) if reading.order_numbers else ""


def key_expression(field: str):
    return _key_of(field)


def invoiced_orders(asker: Asker) -> list[dict]:
    """Order numbers found on the account's invoice lines, with what was invoiced for each: an order known
    only from imported invoices (no order row in the orders app) is still answered."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Min, Sum

    from invoices.models import InvoiceLine

    return list(
        InvoiceLine.objects.filter(invoice__in=invoices_for_user(user=asker.user, account=asker.account))
        .exclude(order_number="")
        .values("order_number", "invoice__currency")
        .annotate(
            invoiced=Sum("amount"),
            first_invoiced=Min("invoice__issue_date"),
            invoice_numbers=ArrayAgg("invoice__number", distinct=True, order_by="invoice__number"),
            products=ArrayAgg("product", distinct=True, order_by="product"),
        )
        .order_by("-first_invoiced", "order_number")
    )
