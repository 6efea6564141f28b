"""Σ of ledger rows per invoice as a scalar subquery written once, for the invoice list's applied sums.

The ORM way, `Coalesce(Subquery(rows.filter(invoice_id=OuterRef("pk")).values(...).annotate(Sum)...))`,
cost ~3 ms of Python per sum and per request to build and compile (three sums on the Invoices page: a third
of its server time, issue 17). This expression holds its SQL, built once per process from the models'
metadata; compiling it is a string substitution. Same SQL as the ORM one, so the same Decimals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import DecimalField, Expression

MONEY_SUM: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


class SumPerInvoice(Expression):
    """COALESCE(Σ `rows.amount` of the outer invoice, 0.00), `rows` being `model`'s rows, optionally
    joined to the model of its foreign key `join` and filtered by `where` (SQL on the aliases "r" and "j",
    with %s placeholders for `params`). Use it on a queryset of Invoice (the outer table)."""

    output_field = MONEY_SUM

    def __init__(
        self,
        model: type[models.Model],
        *,
        join: str = "",
        where: str = "",
        params: Sequence[Any] = (),
    ) -> None:
        super().__init__(output_field=MONEY_SUM)
        self.model, self.join, self.where, self.params = model, join, where, tuple(params)

    def as_sql(self, compiler, connection):
        # The outer invoice row by its alias in this query ("invoices_invoice", or U0 inside a subquery).
        outer_alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        outer = f"{outer_alias}.{connection.ops.quote_name(compiler.query.model._meta.pk.column)}"
        template = _sql_template(self.model, self.join, self.where, connection.ops.quote_name)
        return template.replace(OUTER, outer), self.params


OUTER = "{outer invoice id}"


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{model.__name__}.{name} is not a column"
    return field


@functools.cache
def _sql_template(model: type[models.Model], join: str, where: str, quote: Callable[[str], str]) -> str:
    amount, invoice = _field(model, "amount").column, _field(model, "invoice").column
    # Names from the models, quoted; values only as parameters.
    sql = f"SELECT SUM(r.{quote(amount)}) FROM {quote(model._meta.db_table)} r"  # noqa: S608
    if join:
        foreign_key = _field(model, join)
        target: type[models.Model] = foreign_key.related_model  # type: ignore[assignment]
        target_pk = _field(target, target._meta.pk.name).column
        sql += (
            f" INNER JOIN {quote(target._meta.db_table)} j"
            f" ON j.{quote(target_pk)} = r.{quote(foreign_key.column)}"
        )
    sql += f" WHERE r.{quote(invoice)} = {OUTER}" + (f" AND ({where})" if where else "")
    return f"COALESCE(({sql}), {Decimal('0.00')})"
