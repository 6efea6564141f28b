"""Import invoices from the billing system (CSV or JSON, format in invoices/IMPORT_FORMAT.md).

All or nothing: the file is read as a stream and validated in batches of `IMPORT_BATCH` invoices inside one
transaction; each valid batch is written with a few bulk INSERTs (invoices, lines, status changes, activity
entries, outbox emails), and as soon as one problem is found nothing more is written while the rest of the
file is still checked; at the end any problem rolls the whole transaction back and every problem is raised.
Memory stays flat with the file's size (one batch at a time; a set of the invoice numbers seen).

Idempotent by invoice number: an invoice already imported with the same content is skipped; the same number
with different content is an error (an issued invoice is never rewritten).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ActivityEntry, CustomerAccount, User
from core.bulk import bulk_copy
from invoices.import_checks import (  # noqa: F401 — QUANTITY_COLUMN, UNIT_PRICE_COLUMN: used by orders
    MONEY_COLUMN,
    QUANTITY_COLUMN,
    UNIT_PRICE_COLUMN,
    _account_default_po,
    _build_line,
    _Checker,
    _currency,
)
from invoices.import_files import (
    NUMBER_PATTERN,
    ImportFailed,
    ImportResult,
    ParsedInvoice,
    invoices_read,
)
from invoices.models import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    Invoice,
    InvoiceEvent,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
)
from invoices.signals import invoices_issued_in_bulk

IMPORT_BATCH = 500  # invoices validated and written together


@dataclass
class _Built:
    row: str
    invoice: Invoice
    lines: list


def _build_invoice(
    item: ParsedInvoice, account: CustomerAccount | None, seen: dict[str, str], check: _Checker
) -> _Built | None:
    """The invoice of one parsed item, or None after recording its problems in `check`."""
    row, values = item.row, item.values
    number = check.text(row, values, "number", required=True, max_length=40)
    if number and not NUMBER_PATTERN.match(number):
        check.add(row, "number", "letters, digits, dot, dash and underscore only")
    if number in seen:
        check.add(row, "number", f"appears twice in the file (first at {seen[number]})")
    else:
        seen[number] = row
    if account is None:
        check.add(row, "customer_number", f"no customer account '{values['customer_number']}'")
    kind = check.choice(row, values, "kind", set(InvoiceKind.values), default="")
    state = check.choice(
        row, values, "state", {InvoiceState.ISSUED, InvoiceState.DRAFT}, default=InvoiceState.ISSUED
    )
    issue_date = check.date(row, values, "issue_date", required=True)
    terms = check.decimal(row, values, "payment_terms_days", default=Decimal(DEFAULT_PAYMENT_TERMS_DAYS))
    if terms is not None and (terms != terms.to_integral_value() or terms > 365):
        check.add(row, "payment_terms_days", "a whole number of days, at most 365")
        terms = None
    due_date = check.date(row, values, "due_date")
    if issue_date and terms is not None:
        try:
            due_date = due_date or issue_date + datetime.timedelta(days=int(terms))
        except OverflowError:  # 9999-12-31 + 30 days
            check.add(row, "due_date", "after the year 9999")
            due_date = None
        if due_date and due_date < issue_date:
            check.add(row, "due_date", "before the issue date")
    currency = _currency(row, values, account, check)
    language = check.choice(
        row,
        values,
        "language",
        {code for code, _ in settings.LANGUAGES},
        default=account.language if account else settings.LANGUAGE_CODE,
    )
    po_number = check.text(row, values, "po_number", max_length=60) or _account_default_po(
        account, issue_date
    )
    if not item.lines:
        check.add(row, "lines", "an invoice needs at least one line")
    lines = []
    for position, parsed_line in enumerate(item.lines, start=1):
        line = _build_line(parsed_line, position, currency, check)
        if line is not None:
            lines.append(line)
    # terms is None after a problem was recorded: an explicit due date must not hide it (was a TypeError).
    if len(lines) != len(item.lines) or not (
        account and issue_date and due_date and terms is not None and kind and currency
    ):
        return None
    subtotal = sum((line.amount for line in lines), Decimal("0"))
    tax = sum((line.tax for line in lines), Decimal("0"))
    expected_total = check.money(row, values, "total", currency)
    if expected_total is not None and expected_total != subtotal + tax:
        check.add(row, "total", f"{expected_total} given, the lines add up to {subtotal + tax}")
    if not check.fits(row, "total", subtotal + tax, MONEY_COLUMN, shown=f"{subtotal + tax}"):
        return None
    if subtotal + tax <= 0:
        check.add(row, "total", f"an invoice of {subtotal + tax} bills nothing")
        return None
    invoice = Invoice(
        number=number,
        account=account,
        kind=kind,
        state=state,
        issue_date=issue_date,
        payment_terms_days=int(terms),
        due_date=due_date,
        currency=currency,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        amount_due=subtotal + tax,
        po_number=po_number,
        language=language,
    )
    return _Built(row, invoice, lines)


def _same(existing: Invoice, new: Invoice) -> bool:
    return (existing.account_id, existing.currency, existing.total, existing.issue_date) == (
        new.account.pk,
        new.currency,
        new.total,
        new.issue_date,
    )


def _batches(items: Iterable[ParsedInvoice], size: int) -> Iterator[list[ParsedInvoice]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- writing ------------------------------------------------------------------------------------------


def _write(built: list[_Built], *, actor: User | None, notify: bool) -> None:
    """Write one batch of new invoices as they would be after `invoice_issue` (or as drafts): a few bulk
    INSERTs whatever the batch's size."""
    from invoices.emails import invoice_emails_enqueue_issued

    now = timezone.now()
    real_actor = actor if actor is not None and actor.is_authenticated else None
    issued = [b.invoice for b in built if b.invoice.state == InvoiceState.ISSUED]
    for invoice in issued:  # created as a draft (version 1), then issued (version 2) as invoice_issue does
        invoice.version, invoice.issued_at = 2, now
    bulk_copy(Invoice, [b.invoice for b in built], set_pks=True)  # the lines point at them
    lines = []
    for b in built:
        for line in b.lines:
            line.invoice = b.invoice
            lines.append(line)
    bulk_copy(InvoiceLine, lines)
    if not issued:
        return
    bulk_copy(
        InvoiceEvent,
        [
            InvoiceEvent(
                invoice=invoice,
                from_state=InvoiceState.DRAFT,
                to_state=InvoiceState.ISSUED,
                actor=real_actor,
                amount_due=invoice.amount_due,
                total=invoice.total,
                details={},
                created_at=now,
            )
            for invoice in issued
        ],
    )
    bulk_copy(
        ActivityEntry,
        [
            ActivityEntry(
                account=invoice.account,
                actor=real_actor,
                actor_email=real_actor.email if real_actor else "",
                by_vendor_support=bool(real_actor and real_actor.is_staff),
                action="invoice.issued",
                params={"invoice": invoice.number, "total": str(invoice.total), "currency": invoice.currency},
                target=invoice.number[:120],
                details={"version": invoice.version, "notify": notify},
            )
            for invoice in issued
        ],
    )
    invoices_issued_in_bulk.send(sender=Invoice, invoices=issued)
    if notify:
        invoice_emails_enqueue_issued(invoices=issued, requested_by=actor)


def invoices_import(*, path: Path, actor: User | None = None, notify: bool = True) -> ImportResult:
    """Read, validate and write the file in batches in one transaction; raises ImportFailed with every
    problem (and then nothing is written)."""
    check = _Checker()
    result = ImportResult()
    seen: dict[str, str] = {}  # number → the row it was first seen at
    accounts: dict[str, CustomerAccount | None] = {}
    with transaction.atomic():
        for batch in _batches(invoices_read(path=path, problems=check.problems), IMPORT_BATCH):
            wanted = {item.values["customer_number"] for item in batch} - accounts.keys()
            found = {a.customer_number: a for a in CustomerAccount.objects.filter(customer_number__in=wanted)}
            accounts.update({number: found.get(number) for number in wanted})
            built = [
                b
                for item in batch
                if (b := _build_invoice(item, accounts[item.values["customer_number"]], seen, check))
            ]
            existing = {
                invoice.number: invoice
                for invoice in Invoice.objects.filter(number__in=[b.invoice.number for b in built])
            }
            new = []
            for b in built:
                if b.invoice.number not in existing:
                    new.append(b)
                elif _same(existing[b.invoice.number], b.invoice):
                    result.skipped.append(b.invoice.number)
                else:
                    check.add(b.row, "number", "already imported with a different account, date or total")
            if check.problems:
                continue  # nothing more is written; the rest of the file is still checked
            _write(new, actor=actor, notify=notify)
            result.created += [b.invoice.number for b in new]
            if len(accounts) > 10 * IMPORT_BATCH:  # keep memory flat on a file spanning many accounts
                accounts.clear()
        if check.problems:
            transaction.set_rollback(True)
    if check.problems:
        raise ImportFailed(check.problems)
    return result
