"""The rows of a page of the invoices list, by id: SQL compiled once per process, run with new values.

Compiling that queryset (status, status rank, three applied sums) cost 1.5–2.5 ms of Python per request, more
than running it. It is compiled once, with placeholder values for the ids and the day; each page runs the
same SQL with its own values. `_EqualsAny` (`id = ANY(%s)`, one array parameter) keeps the SQL the same
whatever the number of ids, where `IN (%s, %s, …)` changes with it.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, F, Value
from django.utils import timezone

from invoices.models import Invoice
from invoices.selectors import STATUS_RANK, EqualsAny, applied_annotators_count, invoices_with_applied

# Values no query of ours carries: found by equality in the compiled parameters, replaced at each run.
_IDS_PLACEHOLDER = [-917_000_000_001]
_DAY_PLACEHOLDER = datetime.date(1, 2, 3)


def invoice_rows_by_id(*, ids: list[int], with_status_rank: bool = False) -> list[Invoice]:
    """A page of the list: the invoices of `ids` (found by `invoice_list_for_user`, so the user's), in that
    order, with their status (and its sort rank) and applied sums: one query."""
    sql, params = _compiled(with_status_rank, applied_annotators_count())
    today = timezone.localdate()
    values = [
        ids if value == _IDS_PLACEHOLDER else today if value == _DAY_PLACEHOLDER else value
        for value in params
    ]
    by_id = {invoice.pk: invoice for invoice in Invoice.objects.raw(sql, values)}
    return [by_id[pk] for pk in ids if pk in by_id]


@functools.cache
def _compiled(with_status_rank: bool, _annotators: int) -> tuple[str, tuple]:
    """(SQL, parameters with the placeholders) of the rows query; `_annotators` keys the cache on the
    applied sums registered by the apps above (all registered once the apps are ready)."""
    ids = Value(_IDS_PLACEHOLDER, output_field=ArrayField(BigIntegerField()))
    rows = Invoice.objects.filter(EqualsAny(F("pk"), ids)).with_status(today=_DAY_PLACEHOLDER)
    if with_status_rank:
        rows = rows.annotate(status_rank=STATUS_RANK)
    sql, params = invoices_with_applied(rows).query.sql_with_params()
    assert sum(value == _IDS_PLACEHOLDER for value in params) == 1, "the ids are one array parameter"
    assert connection.vendor == "postgresql"
    return sql, tuple(params)
