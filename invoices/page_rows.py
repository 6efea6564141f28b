"""Queries of every invoices list page, compiled once per process and run with each request's values: the
page's rows by id, and whether anything is overdue ("Pay all overdue").

Compiling the rows' queryset (status, status rank, three applied sums) cost 1.5–2.5 ms of Python per
request, more than running it; the overdue check's, about 1 ms for a query of 0.5 ms. Each is compiled once,
with placeholder values for the ids, the day, the account and the user; each request runs the same SQL
with its own values. `_EqualsAny` (`id = ANY(%s)`, one array parameter) keeps the SQL the same
whatever the number of ids, where `IN (%s, %s, …)` changes with it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Hashable

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, F, Value
from django.utils import timezone

from accounts.models import CustomerAccount, User
from invoices.models import Invoice
from invoices.selectors import (
    STATUS_RANK,
    EqualsAny,
    applied_annotators_count,
    invoices_for_user,
    invoices_with_applied,
)

# Values no query of ours carries: found by equality in the compiled parameters, replaced at each run.
_IDS_PLACEHOLDER = [-917_000_000_001]
_DAY_PLACEHOLDER = datetime.date(1, 2, 3)
_ACCOUNT_PLACEHOLDER = -917_000_000_002
_USER_PLACEHOLDER = -917_000_000_003


def _with_values(params: tuple, values: dict) -> list:
    """The compiled parameters, each placeholder (a key of `values`; a list's as a tuple) replaced by its
    value of this run. Other parameters, hashable or not (a JSON value), are kept."""
    replaced = []
    for value in params:
        key = tuple(value) if isinstance(value, list) else value
        replaced.append(values.get(key, value) if isinstance(key, Hashable) else value)
    return replaced


def invoice_rows_by_id(*, ids: list[int], with_status_rank: bool = False) -> list[Invoice]:
    """A page of the list: the invoices of `ids` (found by `invoice_list_for_user`, so the user's), in that
    order, with their status (and its sort rank) and applied sums: one query."""
    sql, params = _compiled(with_status_rank, applied_annotators_count())
    values = _with_values(params, {tuple(_IDS_PLACEHOLDER): ids, _DAY_PLACEHOLDER: timezone.localdate()})
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


def invoices_overdue_exist(
    *, user: User, account: CustomerAccount, today: datetime.date | None = None
) -> bool:
    """Whether the user's invoices of `account` include one to pay whose due date has passed."""
    if not user.is_authenticated:
        return False
    sql, params = _overdue_compiled()
    values = {
        _ACCOUNT_PLACEHOLDER: account.pk,
        _USER_PLACEHOLDER: user.pk,
        _DAY_PLACEHOLDER: today or timezone.localdate(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, _with_values(params, values))
        return cursor.fetchone() is not None


@functools.cache
def _overdue_compiled() -> tuple[str, tuple]:
    # The user's invoices as every page scopes them (invoices_for_user), for placeholder ids.
    mine = invoices_for_user(
        user=User(pk=_USER_PLACEHOLDER), account=CustomerAccount(pk=_ACCOUNT_PLACEHOLDER)
    )
    overdue = mine.payable().filter(due_date__lt=_DAY_PLACEHOLDER)
    sql, params = overdue.values("pk")[:1].query.sql_with_params()
    assert {_ACCOUNT_PLACEHOLDER, _USER_PLACEHOLDER, _DAY_PLACEHOLDER} <= set(params)
    return sql, tuple(params)
