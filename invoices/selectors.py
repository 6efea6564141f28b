from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.lookups import Lookup
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from invoices.applied_sums import SumPerInvoice
from invoices.models import (
    CreditMemo,
    Invoice,
    InvoiceLine,
    InvoiceQuerySet,
    InvoiceState,
    InvoiceStatus,
    RemittanceInstruction,
)


def invoices_for_user(*, user: User, account: CustomerAccount) -> InvoiceQuerySet:
    """Invoices of `account` the user may see: none unless they are a member of it."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return Invoice.objects.visible().filter(account=account, account__memberships__user=user)


def invoice_for_user(*, user: User, account: CustomerAccount, number: str) -> Invoice:
    return get_object_or_404(invoices_for_user(user=user, account=account), number=number)


@dataclass(frozen=True)
class BalanceByCurrency:
    currency: str
    amount_due: Decimal
    open_count: int
    overdue_count: int
    overdue_amount: Decimal
    next_due_date: datetime.date | None
    disputed_count: int = 0  # included in open_count and amount_due: the balance is still shown as due
    disputed_amount: Decimal = Decimal("0")


def invoice_balances_for_account(
    *, account: CustomerAccount, today: datetime.date | None = None
) -> list[BalanceByCurrency]:
    """Balance due, unpaid and overdue counts and next due date per currency: one query.

    A disputed invoice with a balance counts as unpaid (its balance is shown as due until billing support
    resolves the dispute) and is also counted apart; it is never overdue (its status is "disputed").
    """
    today = today or timezone.localdate()
    issued = Q(state=InvoiceState.ISSUED)
    disputed = Q(state=InvoiceState.DISPUTED)
    overdue = issued & Q(due_date__lt=today)
    rows = (
        Invoice.objects.filter(issued | disputed, account=account, amount_due__gt=0)
        .values("currency")
        .annotate(
            balance=Sum("amount_due"),
            open_count=Count("id"),
            overdue_count=Count("id", filter=overdue),
            overdue_balance=Sum("amount_due", filter=overdue, default=Decimal("0")),
            next_due=Min("due_date", filter=issued & Q(due_date__gte=today)),
            disputed_count=Count("id", filter=disputed),
            disputed_balance=Sum("amount_due", filter=disputed, default=Decimal("0")),
        )
        .order_by("currency")
    )
    return [
        BalanceByCurrency(
            currency=row["currency"],
            amount_due=row["balance"],
            open_count=row["open_count"],
            overdue_count=row["overdue_count"],
            overdue_amount=row["overdue_balance"],
            next_due_date=row["next_due"],
            disputed_count=row["disputed_count"],
            disputed_amount=row["disputed_balance"],
        )
        for row in rows
    ]


# --- what was applied to an invoice -------------------------------------------------------------

APPLIED_KINDS = ("payment", "rewards", "credit_memo", "reversal")
# The attribute invoice_detail_for_user prefetches the invoice's credit memos into (oldest first): what lists
# them on the invoice page reads it instead of querying again.
MEMOS_OLDEST_FIRST = "credit_memos_oldest_first"


@dataclass(frozen=True)
class AppliedEntry:
    """One row of "what was applied" on an invoice page. `amount` is negative for a reversal."""

    date: datetime.date
    kind: str  # one of APPLIED_KINDS
    label: str
    reference: str
    amount: Decimal
    method_display: str  # how it was paid; empty for a credit memo, which is not a payment method
    note: str = ""  # shown under the label (a credit memo's reason)


# What paid an invoice (payments, Support Rewards) lives in the ledger above this app: payments registers
# how to read it here (PaymentsConfig.ready()), so that invoices never imports payments.
AppliedEntriesSource = Callable[[Invoice], Iterable[AppliedEntry]]
AppliedAnnotator = Callable[[QuerySet[Invoice]], QuerySet[Invoice]]
_applied_entries_sources: list[AppliedEntriesSource] = []
_applied_annotators: list[AppliedAnnotator] = []


def applied_source_register(*, entries: AppliedEntriesSource, annotate: AppliedAnnotator) -> None:
    """`entries(invoice)` lists the rows a higher app applied to an invoice; `annotate(queryset)` adds
    `rewards_applied` and `paid_applied` (Σ per invoice) to a queryset in the same query."""
    if entries not in _applied_entries_sources:
        _applied_entries_sources.append(entries)
        _applied_annotators.append(annotate)


def applied_annotators_count() -> int:
    return len(_applied_annotators)


def invoice_applied_entries(*, invoice: Invoice) -> list[AppliedEntry]:
    """Payments, Support Rewards, credit memos and reversals that moved the invoice's balance, oldest first.

    One query for the credit memos and one per registered source (the payments ledger: one query).
    """
    memos = getattr(invoice, MEMOS_OLDEST_FIRST, None)
    if memos is None:
        memos = CreditMemo.objects.filter(invoice=invoice).order_by("issued_at", "id")
    entries = [
        AppliedEntry(
            date=timezone.localdate(memo.issued_at),
            kind="credit_memo",
            label=_("Credit memo"),
            reference=memo.number,
            amount=memo.amount,
            method_display="",
            note=memo.reason,
        )
        for memo in memos
    ]
    for source in _applied_entries_sources:
        entries.extend(source(invoice))
    entries.sort(key=lambda entry: entry.date)
    return entries


# --- the invoices list ----------------------------------------------------------------------------

SORTS = {
    "number": ("number",),
    "issue_date": ("issue_date",),
    "due_date": ("due_date",),
    "status": ("status_rank",),
    "total": ("total",),
    "balance": ("amount_due",),
}
DEFAULT_SORT = "-issue_date"
# Sorting by status puts what needs attention first: overdue, open, disputed, then closed and cancelled.
STATUS_RANK = Case(
    *(
        When(status_value=status.value, then=Value(rank))
        for rank, status in enumerate(
            [
                InvoiceStatus.OVERDUE,
                InvoiceStatus.OPEN,
                InvoiceStatus.DISPUTED,
                InvoiceStatus.CLOSED,
                InvoiceStatus.CANCELLED,
            ]
        )
    ),
    default=Value(9),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class InvoiceListFilters:
    status: str = ""
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    currency: str = ""
    kind: str = ""
    query: str = ""
    sort: str = DEFAULT_SORT


# What credit memos took off each invoice (invoices.applied_sums: its SQL is built once per process).
CREDITED = SumPerInvoice(CreditMemo)


def invoices_with_applied(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate what credit memos, Support Rewards and other payments took off each invoice (same query)."""
    queryset = queryset.annotate(credited=CREDITED)
    for annotate in _applied_annotators:
        queryset = annotate(queryset)
    return queryset


def _invoice_search(*, account: CustomerAccount, term: str) -> Q:
    """Invoices whose number, PO number or a line's order number contains `term`.

    Each of the three is a trigram index scan (migration invoices/0006) and PostgreSQL ORs the three
    bitmaps: the lines matching are read once, into an array (`id = ANY(ARRAY(SELECT …))`, an InitPlan). With
    `IN (SELECT …)` in the OR the planner could use no index and computed UPPER() of every invoice of the
    account (12 ms at 10 000 invoices, once for the count and once for the page).
    """
    lines = InvoiceLine.objects.filter(invoice__account=account, order_number__icontains=term).order_by()
    in_matching_lines = EqualsAny(F("pk"), ArraySubquery(lines.values("invoice_id")))
    return Q(number__icontains=term) | Q(po_number__icontains=term) | Q(in_matching_lines)


class EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array: an index condition, where `lhs IN (subquery)` is a filter; and one
    parameter for a list of values, where `IN (%s, %s, …)` changes the SQL with the list's length."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def invoice_list_for_user(
    *, user: User, account: CustomerAccount, filters: InvoiceListFilters, today: datetime.date | None = None
) -> InvoiceQuerySet:
    """The Invoices page query: filtered, searched, sorted (the status annotated when sorting by it).

    Show it through `invoices.pagination.InvoicePaginator` (two queries whatever the page number or the account size) or
    `invoices_with_applied` (the CSV export).
    """
    today = today or timezone.localdate()
    invoices = invoices_for_user(user=user, account=account)
    if filters.status:
        invoices = invoices.with_status_filter(filters.status, today=today)
    if filters.issued_from:
        invoices = invoices.filter(issue_date__gte=filters.issued_from)
    if filters.issued_to:
        invoices = invoices.filter(issue_date__lte=filters.issued_to)
    if filters.currency:
        invoices = invoices.filter(currency=filters.currency)
    if filters.kind:
        invoices = invoices.filter(kind=filters.kind)
    if filters.query:
        invoices = invoices.filter(_invoice_search(account=account, term=filters.query.strip()))
    field = filters.sort.lstrip("-")
    if field == "status":
        invoices = invoices.with_status(today=today).annotate(status_rank=STATUS_RANK)
    # Otherwise `Invoice.status` works each row's status out in Python; the page's rows have it from SQL
    # (invoices.page_rows), and building the annotation for the count and the ids cost more than that.
    columns = SORTS.get(field, SORTS["issue_date"])
    descending = filters.sort.startswith("-") if field in SORTS else True
    ordering = [F(column).desc() if descending else F(column).asc() for column in columns]
    ordering.append(F("id").desc() if descending else F("id").asc())
    return invoices.order_by(*ordering)


# A loose index scan on (account_id, currency): one probe per currency instead of a DISTINCT over every
# invoice of the account (5 ms at 10 000 invoices, for the filter form of every list page).
_CURRENCIES_SQL = f"""
WITH RECURSIVE currencies(currency) AS (
    (SELECT currency FROM {Invoice._meta.db_table}
     WHERE account_id = %(account)s AND state <> %(draft)s ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT i.currency FROM {Invoice._meta.db_table} i
            WHERE i.account_id = %(account)s AND i.state <> %(draft)s AND i.currency > c.currency
            ORDER BY i.currency LIMIT 1)
    FROM currencies c WHERE c.currency IS NOT NULL
)
SELECT currency FROM currencies WHERE currency IS NOT NULL
"""  # noqa: S608 — only the table name is interpolated


def invoice_currencies_for_account(*, account: CustomerAccount) -> list[str]:
    """Currencies of the account's visible invoices, sorted: the currency filter's choices."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENCIES_SQL, {"account": account.pk, "draft": InvoiceState.DRAFT.value})
        return [row[0] for row in cursor.fetchall()]


# --- one invoice ---------------------------------------------------------------------------------


def invoice_detail_for_user(*, user: User, account: CustomerAccount, number: str) -> Invoice:
    """The invoice page's invoice with its lines; a 404 for another account's number."""
    queryset = (
        invoices_for_user(user=user, account=account)
        .select_related("account")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
            # The page, its applied entries and the support panel all list them: one query for the three.
            Prefetch(
                "credit_memos",
                queryset=CreditMemo.objects.order_by("issued_at", "id"),
                to_attr=MEMOS_OLDEST_FIRST,
            ),
        )
    )
    return get_object_or_404(queryset, number=number)


def invoice_account_for_user(*, user: User, number: str) -> CustomerAccount | None:
    """Which of the user's accounts holds this (visible) invoice: for links from an email to another account."""
    if not user.is_authenticated:
        return None
    invoice = (
        Invoice.objects.visible()
        .filter(number=number, account__memberships__user=user)
        .select_related("account")
        .first()
    )
    return invoice.account if invoice else None


def remittance_for_currency(*, currency: str) -> RemittanceInstruction | None:
    return RemittanceInstruction.objects.filter(currency=currency).first()


def invoice_order_numbers(*, invoice: Invoice) -> list[str]:
    """Order numbers found on the (prefetched) lines, in line order, without repeats."""
    return list(dict.fromkeys(line.order_number for line in invoice.lines.all() if line.order_number))
