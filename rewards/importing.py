"""Monthly cloud consumption for Support Rewards, imported from the billing system: all rows or none.

Columns (header row required): customer_number, subscription, service, period_start (YYYY-MM-DD),
quantity, unit_net_price, currency; optional: offering (oci | third_party | marketplace |
cloud_application, default oci), period_end (default: end of that month), overage (yes/no).
Consumption = unit net price × actual usage, rounded half-up to the currency (a computed figure: the
unit net price may carry up to 6 decimals). Importing the same file twice adds nothing; a row that
contradicts an earlier import, or falls in a month already accrued, is an error. Every refusal names the
row and the field (an ImportProblem, as for invoices), before anything reaches the database.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from accounts.models import CustomerAccount
from core.bulk import bulk_copy
from core.money import currency_is_in_use, quantize
from invoices.import_files import ImportFailed, ImportProblem, file_text
from invoices.models import MONEY
from rewards.eligibility import consumption_is_eligible, month_end, month_start
from rewards.models import ConsumptionRecord, Offering, RewardAccrual, RewardsAccount

REQUIRED = [
    "customer_number",
    "subscription",
    "service",
    "period_start",
    "quantity",
    "unit_net_price",
    "currency",
]
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
# Longest text each column holds: a longer value is refused, never cut (a cut name could merge two rows).
MAX_LENGTHS: dict[str, int] = {
    "subscription": ConsumptionRecord._meta.get_field("subscription_number").max_length or 0,
    "service": ConsumptionRecord._meta.get_field("service").max_length or 0,
}
QUANTITY_FIELD = ConsumptionRecord._meta.get_field(
    "quantity"
)  # quantity and unit net price: 20 digits, 6 decimals
QUANTITY_INTEGER_DIGITS = QUANTITY_FIELD.max_digits - QUANTITY_FIELD.decimal_places
AMOUNT_LIMIT = Decimal(10) ** (
    MONEY["max_digits"] - MONEY["decimal_places"]
)  # consumption: 14 digits, 2 decimals


class RowError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _date(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _decimal(value: str, field: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise RowError(field, f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise RowError(field, "must be zero or more")
    if number >= Decimal(10) ** QUANTITY_INTEGER_DIGITS:
        raise RowError(
            field,
            f"{value!r} is too large: at most {QUANTITY_INTEGER_DIGITS} digits before the decimal point",
        )
    if number != number.quantize(Decimal(1).scaleb(-QUANTITY_FIELD.decimal_places)):
        raise RowError(field, f"{value!r} has more than {QUANTITY_FIELD.decimal_places} decimals")
    return number


class ConsumptionImportError(Exception):
    """The file was refused; `problems` names each row and field, `errors` is the same as text lines."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        self.errors = [str(problem) for problem in problems]
        super().__init__("\n".join(self.errors))


def consumption_rows_read(*, path: Path) -> list[dict]:
    """The CSV file's rows as dicts; ConsumptionImportError for a file that isn't UTF-8 CSV with our header."""
    try:
        text = file_text(path=path, where="row")
    except ImportFailed as failure:
        raise ConsumptionImportError(failure.problems) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ConsumptionImportError(
            [ImportProblem("row 1", column, "column missing from the header") for column in missing]
        )
    try:
        return list(reader)
    except csv.Error as error:  # a field over csv's limit (128 KiB); reader.reader counts lines read
        raise ConsumptionImportError(
            [ImportProblem(f"row {reader.reader.line_num}", "file", f"unreadable CSV: {error}")]
        ) from None


@dataclass(frozen=True)
class ConsumptionImportResult:
    imported: int
    unchanged: int


def consumption_import(*, rows: list[dict]) -> ConsumptionImportResult:
    """Validate every row, then write them in one transaction; raise ConsumptionImportError otherwise.

    The rewards accounts concerned are locked while the file is checked against the database and written,
    the same lock the month-end accrual takes: a row can't slip into a month while it is being accrued.
    """
    accounts = {a.customer_number: a for a in CustomerAccount.objects.select_related("rewards_account")}
    records: list[tuple[int, ConsumptionRecord]] = []
    errors: list[ImportProblem] = []
    seen: dict[tuple[int, str, str, datetime.date], int] = {}  # key -> the row number that had it first
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            record = _record(row, accounts)
        except RowError as error:
            errors.append(ImportProblem(f"row {number}", error.field, error.message))
            continue
        key = (record.account_id, record.subscription_number, record.service, record.period_start)
        if key in seen:
            errors.append(
                ImportProblem(
                    f"row {number}",
                    "period_start",
                    f"same subscription, service and period as row {seen[key]}",
                )
            )
            continue
        seen[key] = number
        records.append((number, record))
    if errors:
        raise ConsumptionImportError(errors)
    with transaction.atomic():
        list(
            RewardsAccount.objects.select_for_update()
            .filter(account_id__in={r.account_id for _, r in records})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        new, unchanged = _against_database(records, errors)
        if errors:
            raise ConsumptionImportError(errors)
        bulk_copy(ConsumptionRecord, new)
    return ConsumptionImportResult(imported=len(new), unchanged=unchanged)


def _record(row: dict, accounts: dict) -> ConsumptionRecord:
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL text can't hold NUL (0x00)
            raise RowError(column, "contains a NUL character")
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise RowError(column, "is required")
    for column, max_length in MAX_LENGTHS.items():
        if len(row[column].strip()) > max_length:
            raise RowError(column, f"at most {max_length} characters")
    account = accounts.get(row["customer_number"].strip())
    if account is None:
        raise RowError("customer_number", f"no customer {row['customer_number']!r}")
    currency = row["currency"].strip().upper()
    if not currency_is_in_use(currency):
        raise RowError("currency", f"'{row['currency'].strip()}' is not a currency in use (ISO 4217)")
    if currency != account.currency:
        raise RowError("currency", f"{currency} differs from the account's currency {account.currency}")
    offering = (row.get("offering") or Offering.OCI).strip().lower()
    if offering not in Offering.values:
        raise RowError("offering", f"{offering!r} is not one of {', '.join(Offering.values)}")
    period_start = _date(row["period_start"], "period_start")
    period_end = (
        _date(row["period_end"], "period_end")
        if (row.get("period_end") or "").strip()
        else month_end(period_start)
    )
    if period_end < period_start or month_start(period_end) != month_start(period_start):
        raise RowError("period_end", "must be in the same month as period_start, and not before it")
    overage = (row.get("overage") or "").strip().lower()
    if overage not in TRUE_WORDS | FALSE_WORDS:
        raise RowError("overage", "use yes or no")
    quantity = _decimal(row["quantity"], "quantity")
    unit_net_price = _decimal(row["unit_net_price"], "unit_net_price")
    if quantity * unit_net_price >= AMOUNT_LIMIT:
        raise RowError("quantity", f"quantity × unit net price is over {AMOUNT_LIMIT - Decimal('0.01')}")
    service = row["service"].strip()
    return ConsumptionRecord(
        account=account,
        subscription_number=row["subscription"].strip(),
        service=service,
        offering=offering,
        month=month_start(period_start),
        period_start=period_start,
        period_end=period_end,
        quantity=quantity,
        unit_net_price=unit_net_price,
        amount=quantize(quantity * unit_net_price, currency),
        currency=currency,
        is_overage=overage in TRUE_WORDS,
        is_eligible=consumption_is_eligible(offering=offering, service=service),
    )


def _against_database(records, errors) -> tuple[list[ConsumptionRecord], int]:
    """Identical rows already imported are skipped; a different figure for the same key is an error."""
    if not records:
        return [], 0
    account_ids = {r.account_id for _, r in records}
    existing = {
        (c.account_id, c.subscription_number, c.service, c.period_start): c
        for c in ConsumptionRecord.objects.filter(
            account_id__in=account_ids, month__in={r.month for _, r in records}
        )
    }
    accrued = set(
        RewardAccrual.objects.filter(rewards_account__account_id__in=account_ids).values_list(
            "rewards_account__account_id", "month"
        )
    )
    new, unchanged = [], 0
    for number, record in records:
        key = (record.account_id, record.subscription_number, record.service, record.period_start)
        before = existing.get(key)
        if before is not None:
            same = (before.quantity, before.unit_net_price, before.offering, before.period_end) == (
                record.quantity,
                record.unit_net_price,
                record.offering,
                record.period_end,
            )
            if same:
                unchanged += 1
            else:
                errors.append(
                    ImportProblem(f"row {number}", "quantity", "differs from the consumption imported before")
                )
            continue
        if (record.account_id, record.month) in accrued:
            errors.append(
                ImportProblem(
                    f"row {number}",
                    "period_start",
                    f"rewards for {record.month:%Y-%m} were already deposited",
                )
            )
            continue
        new.append(record)
    return new, unchanged
