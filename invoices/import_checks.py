"""Field checks of an invoice import row (invoices/importing.py): each problem is recorded with its row and
field, never raised, so one pass reports every problem of the file."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from accounts.models import CustomerAccount
from core.money import currency_is_in_use, has_minor_unit_precision, minor_unit_exponent, quantize
from invoices.import_files import FALSE_VALUES, TRUE_VALUES, ImportProblem, ParsedLine
from invoices.models import MONEY, InvoiceLine

# (max_digits, decimal_places) of the columns a number lands in: a bigger number is refused here, not by
# PostgreSQL ("numeric field overflow"), and more decimals are refused, not rounded by the database.
MONEY_COLUMN = (MONEY["max_digits"], MONEY["decimal_places"])
QUANTITY_COLUMN = (
    InvoiceLine._meta.get_field("quantity").max_digits,
    InvoiceLine._meta.get_field("quantity").decimal_places,
)
UNIT_PRICE_COLUMN = (
    InvoiceLine._meta.get_field("unit_price").max_digits,
    InvoiceLine._meta.get_field("unit_price").decimal_places,
)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def add(self, row: str, name: str, message: str) -> None:
        self.problems.append(ImportProblem(row, name, message))

    def text(self, row, values, name, *, required=False, max_length=300) -> str:
        value = values.get(name, "")
        if required and not value:
            self.add(row, name, "required")
        elif len(value) > max_length:
            self.add(row, name, f"at most {max_length} characters")
        return value

    def date(self, row, values, name, *, required=False) -> datetime.date | None:
        value = values.get(name, "")
        if not value:
            if required:
                self.add(row, name, "required")
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.add(row, name, f"'{value}' is not a date (YYYY-MM-DD)")
            return None

    def decimal(
        self,
        row,
        values,
        name,
        *,
        required=False,
        default=None,
        minimum=Decimal("0"),
        column: tuple[int, int] | None = None,
    ) -> Decimal | None:
        value = values.get(name, "")
        if not value:
            if required:
                self.add(row, name, "required")
            return default
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.add(row, name, f"'{value}' is not a number (use a dot for decimals)")
            return None
        if not number.is_finite() or number < minimum:
            self.add(row, name, f"must be a number ≥ {minimum}")
            return None
        if column is not None and not self.fits(row, name, number, column, shown=value):
            return None
        return number

    def fits(self, row, name, number: Decimal, column: tuple[int, int], *, shown: str) -> bool:
        """The number fits its column (max_digits, decimal_places) without rounding; else a problem."""
        return self.not_too_large(row, name, number, column, shown=shown) and self.not_too_precise(
            row, name, number, column, shown=shown
        )

    def not_too_large(self, row, name, number: Decimal, column: tuple[int, int], *, shown: str) -> bool:
        max_digits, decimal_places = column
        if abs(number) >= Decimal(10) ** (max_digits - decimal_places):
            self.add(
                row,
                name,
                f"'{shown}' is too large: at most {max_digits - decimal_places} digits before the decimal point",
            )
            return False
        return True

    def not_too_precise(self, row, name, number: Decimal, column: tuple[int, int], *, shown: str) -> bool:
        decimal_places = column[1]
        if number.quantize(Decimal(1).scaleb(-decimal_places)) != number:
            self.add(row, name, f"'{shown}' has more than {decimal_places} decimals")
            return False
        return True

    def money(self, row, values, name, currency: str | None, *, default=None) -> Decimal | None:
        """An amount in the invoice's currency: fits the money column, and no decimal beyond the currency's
        minor unit (8.50 JPY is refused, not rounded to 9). `currency` None: unknown, already reported."""
        number = self.decimal(row, values, name, default=default)
        if number is None:
            return None
        shown = values.get(name) or str(number)
        if not self.not_too_large(row, name, number, MONEY_COLUMN, shown=shown):
            return None
        if currency is not None and not has_minor_unit_precision(number, currency):
            self.add(
                row,
                name,
                f"'{shown}' has more decimals than {currency} allows ({minor_unit_exponent(currency)})",
            )
            return None
        if not self.not_too_precise(row, name, number, MONEY_COLUMN, shown=shown):
            return None
        return number

    def boolean(self, row, values, name) -> bool:
        value = values.get(name, "").lower()
        if value in TRUE_VALUES:
            return True
        if value not in FALSE_VALUES:
            self.add(row, name, f"'{value}' is not true/false")
        return False

    def choice(self, row, values, name, choices, *, default) -> str:
        value = values.get(name, "") or default
        if not value:
            self.add(row, name, f"required, one of {', '.join(sorted(choices))}")
        elif value not in choices:
            self.add(row, name, f"'{value}' is not one of {', '.join(sorted(choices))}")
        return value


def _account_default_po(account: CustomerAccount | None, issue_date: datetime.date | None) -> str:
    """The PO billing support accepted for the account's future invoices (support requests), while valid."""
    if account is None or not account.default_po_number:
        return ""
    if account.default_po_valid_until and issue_date and issue_date > account.default_po_valid_until:
        return ""
    return account.default_po_number


def _currency(row: str, values: dict, account: CustomerAccount | None, check: _Checker) -> str | None:
    """The invoice's currency: ISO 4217, in use today, and the account's own (None after a problem)."""
    given = values.get("currency", "")
    currency = (given or (account.currency if account else "")).upper()
    if not currency:
        return None  # no account: already reported
    if not re.fullmatch(r"[A-Z]{3}", currency) or not currency_is_in_use(currency):
        check.add(
            row,
            "currency",
            f"'{given or currency}' is not a currency in use (ISO 4217): use a code such as USD or EUR",
        )
        return None
    if account is not None and currency != account.currency:
        check.add(row, "currency", f"{currency} differs from the account's currency {account.currency}")
        return None
    return currency


def _build_line(
    parsed: ParsedLine, position: int, currency: str | None, check: _Checker
) -> InvoiceLine | None:
    row, values = parsed.row, parsed.values
    errors_before = len(check.problems)
    description = check.text(row, values, "description", required=True, max_length=300)
    product = check.text(row, values, "product", required=True, max_length=200)
    order_number = check.text(row, values, "order_number", max_length=40)
    product_code = check.text(row, values, "product_code", max_length=40)
    quantity = check.decimal(row, values, "quantity", default=Decimal("1"), column=QUANTITY_COLUMN)
    unit_price = check.decimal(row, values, "unit_price", required=True, column=UNIT_PRICE_COLUMN)
    amount = check.money(row, values, "amount", currency)
    tax = check.money(row, values, "tax", currency, default=Decimal("0"))
    start = check.date(row, values, "service_start")
    end = check.date(row, values, "service_end")
    if start and end and end < start:
        check.add(row, "service_end", "before the service start")
    eligible = check.boolean(row, values, "rewards_eligible")
    if len(check.problems) > errors_before or currency is None:
        return None
    # check.decimal gives None only for an empty value without default (unit_price is required) or after a
    # problem, and there is none.
    assert quantity is not None and unit_price is not None and tax is not None
    exact = quantity * unit_price
    computed = quantize(exact, currency) if abs(exact) < 10 ** (MONEY_COLUMN[0] - MONEY_COLUMN[1]) else exact
    if not check.fits(row, "amount", computed, MONEY_COLUMN, shown=f"{quantity} × {unit_price}"):
        return None
    if amount is None:
        # The billing system's amount is what the customer owes: without it, quantity × unit price must be
        # an amount the currency can hold (100.50 JPY is refused, never rounded to 101).
        if not has_minor_unit_precision(exact, currency):
            check.add(
                row,
                "amount",
                f"quantity × unit price is {exact.normalize():f}, more decimals than {currency} allows"
                f" ({minor_unit_exponent(currency)}): give the line amount",
            )
            return None
        amount = computed
    elif amount != computed:
        check.add(row, "amount", f"{amount} given, quantity × unit price is {computed}")
        return None
    return InvoiceLine(
        position=position,
        order_number=order_number,
        description=description,
        product=product,
        product_code=product_code,
        quantity=quantity,
        unit_price=unit_price,
        amount=quantize(amount, currency),
        tax=quantize(tax, currency),
        service_start=start,
        service_end=end,
        is_rewards_eligible_support=eligible,
    )
