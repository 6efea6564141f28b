"""The invoices Support Rewards may pay, on the rewards page: a page of them and how many there are, in one
statement whatever the number of invoices or the page's, after one that reads their distinct products.

What rewards may still pay on an invoice is rewards_applicable_amount's rule (the eligible pre-tax support,
less what rewards already paid, at most the balance due), computed here in SQL for every open support
renewal the user may see. The invoices come from invoices.selectors (who sees which invoice is the invoices
app's rule); which products a product family refuses is decided in Python by rewards.eligibility, once per
distinct product of the invoices' lines (an account has a few products, each on many lines), so the SQL
only compares names.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from core.money import quantize
from invoices.models import Invoice, InvoiceLine
from payments.models import Allocation
from rewards.eligibility import line_is_rewards_eligible
from rewards.models import ProductFamily, Redemption


@dataclass(frozen=True)
class PayableInvoice:
    pk: int
    number: str
    due_date: datetime.date
    amount_due: Decimal
    currency: str
    applicable: Decimal  # what rewards may still pay on it, in the currency's minor unit


_LINE, _REDEMPTION, _ALLOCATION = (
    InvoiceLine._meta.db_table,
    Redemption._meta.db_table,
    Allocation._meta.db_table,
)
# {scope}: the invoices (id, number, due date, balance due, currency).
_PRODUCTS_SQL = f"""
WITH scope AS ({{scope}})
SELECT DISTINCT line.product, line.product_code
FROM {_LINE} line
WHERE line.invoice_id IN (SELECT id FROM scope) AND line.is_rewards_eligible_support
"""  # noqa: S608 — table names only
# Rewards still applied to an invoice are its redemptions but those of a payment whose allocation to it was
# reversed (the rewards went back to their lots), as rewards.selectors.redeemed_on_invoices reads them.
_PAGE_SQL = f"""
WITH scope AS ({{scope}}),
eligible AS (
    SELECT line.invoice_id, SUM(line.amount) AS total
    FROM {_LINE} line
    WHERE line.invoice_id IN (SELECT id FROM scope) AND line.is_rewards_eligible_support
      AND (line.product, line.product_code) NOT IN (SELECT * FROM unnest(%s::text[], %s::text[]))
    GROUP BY line.invoice_id
),
redeemed AS (
    SELECT r.invoice_id, SUM(r.amount) AS total
    FROM {_REDEMPTION} r
    WHERE r.invoice_id IN (SELECT id FROM scope)
      AND NOT EXISTS (
          SELECT 1 FROM {_ALLOCATION} a JOIN {_ALLOCATION} reversal ON reversal.reverses_id = a.id
          WHERE a.payment_id = r.payment_id AND a.invoice_id = r.invoice_id AND a.amount > 0)
    GROUP BY r.invoice_id
)
SELECT scope.id, scope.number, scope.due_date, scope.amount_due, scope.currency,
       LEAST(eligible.total - COALESCE(redeemed.total, 0), scope.amount_due), COUNT(*) OVER ()
FROM scope
JOIN eligible ON eligible.invoice_id = scope.id
LEFT JOIN redeemed ON redeemed.invoice_id = scope.id
WHERE eligible.total - COALESCE(redeemed.total, 0) > 0
ORDER BY scope.due_date, scope.id
LIMIT %s OFFSET %s
"""  # noqa: S608 — table names only


class PayableInvoices:
    """The invoices rewards may pay, oldest due first, read by core.pagination.CountedPaginator:
    `page_and_count(offset, limit)` is a page and their number in one statement; a slice is a page."""

    def __init__(self, invoices: QuerySet[Invoice] | None, *, families: Sequence[ProductFamily] = ()) -> None:
        """`invoices`: the open support renewals the user may see (None: none); `families`: every product
        family, in their order."""
        self.families = families
        self.scope_sql, self.scope_params = "", ()
        if invoices is not None:
            scope = invoices.order_by().values("id", "number", "due_date", "amount_due", "currency")
            self.scope_sql, self.scope_params = scope.query.sql_with_params()
        self._refused: tuple[list[str], list[str]] | None = None

    def _refused_products(self) -> tuple[list[str], list[str]]:
        """The products and product codes, pair by pair, of the flagged lines a product family refuses."""
        if self._refused is None:
            refused: list[tuple[str, str]] = []
            if self.families:
                with connection.cursor() as cursor:
                    cursor.execute(_PRODUCTS_SQL.format(scope=self.scope_sql), self.scope_params)
                    pairs = cursor.fetchall()
                refused = [
                    (product, code)
                    for product, code in pairs
                    if not line_is_rewards_eligible(
                        InvoiceLine(product=product, product_code=code, is_rewards_eligible_support=True),
                        self.families,
                    )
                ]
            self._refused = ([product for product, _code in refused], [code for _product, code in refused])
        return self._refused

    def page_and_count(self, *, offset: int, limit: int) -> tuple[list[PayableInvoice], int | None]:
        """The invoices from `offset` on, and how many there are in all (None past the end)."""
        if not self.scope_sql:
            return [], 0
        products, codes = self._refused_products()
        with connection.cursor() as cursor:
            cursor.execute(
                _PAGE_SQL.format(scope=self.scope_sql), (*self.scope_params, products, codes, limit, offset)
            )
            rows = cursor.fetchall()
        payable = [
            PayableInvoice(
                pk=pk,
                number=number,
                due_date=due_date,
                amount_due=amount_due,
                currency=currency,
                applicable=quantize(applicable, currency),
            )
            for pk, number, due_date, amount_due, currency, applicable, _total in rows
        ]
        return payable, rows[0][-1] if rows else (0 if offset == 0 else None)

    def count(self) -> int:
        return self.page_and_count(offset=0, limit=1)[1] or 0

    def __getitem__(self, index: slice) -> list[PayableInvoice]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("PayableInvoices is read by slices: payable[bottom:top]")
        start = index.start or 0
        return self.page_and_count(offset=start, limit=max(index.stop - start, 0))[0]
