"""Money helpers: Decimal amounts rounded to the currency's minor unit, formatted by Babel."""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.core import Locale, get_global
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_decimal_symbol,
    get_territory_currencies,
)
from django.utils import translation

ZERO = Decimal("0.00")


def minor_unit_exponent(currency: str) -> int:
    """Number of decimals of the currency (2 for EUR, 0 for JPY), from Babel's CLDR data."""
    return get_currency_precision(currency.upper())


@functools.cache
def _currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes legal tender somewhere today, from Babel's CLDR data (no XXX, XTS, gold or old francs)."""
    today = datetime.date.today()  # noqa: DTZ011 — a calendar day is precise enough for a currency's life
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, start_date=today, tender=True)
    )


def currency_is_in_use(currency: str) -> bool:
    """True for an ISO 4217 currency that is legal tender today (USD, EUR, JPY, XOF), false for XXX or FRF."""
    return currency in _currencies_in_use()


def has_minor_unit_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount needs no rounding in the currency: 100 or 100.00 JPY, not 100.50 JPY.

    For a finite amount only; one over 28 digits (Decimal's context) is not representable either."""
    exponent = Decimal(1).scaleb(-minor_unit_exponent(currency))
    try:
        return amount.quantize(exponent) == amount
    except ArithmeticError:  # InvalidOperation: more digits than the context holds
        return False


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit: the only rounding in the project."""
    exponent = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(minor_unit_exponent(currency)))


def from_minor_units(value: int, currency: str) -> Decimal:
    return quantize(Decimal(value).scaleb(-minor_unit_exponent(currency)), currency)


@functools.lru_cache(maxsize=64)
def _currency_formatter(locale: str) -> tuple[Locale, NumberPattern]:
    """The parsed Babel locale and its standard currency pattern, built once per process and language.

    `babel.numbers.format_currency` parses both on every call, which is half its cost: a list page
    formats a few hundred amounts."""
    parsed = Locale.parse(locale)
    return parsed, parsed.currency_formats["standard"]


@functools.lru_cache(maxsize=8192)
def _formatted(amount: Decimal, currency: str, locale: str) -> str:
    # Keyed by value: Decimal("1.5") and Decimal("1.50") are one key, and they format alike (the currency's
    # digits are forced). Pages repeat amounts (0.00, a plan's price) and requests repeat pages.
    parsed, pattern = _currency_formatter(locale)
    formatted: str = pattern.apply(amount, parsed, currency=currency, currency_digits=True)
    return formatted


def format_money(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    """`babel.numbers.format_currency(amount, currency, locale=locale)`, each value formatted once per process."""
    if amount is None:
        return ""
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    return _formatted(Decimal(amount), currency.upper(), locale)


# Spaces people (and keyboards, and copy-paste from a PDF) put between thousands: the plain space, the
# no-break space (U+00A0), the narrow no-break space (U+202F, CLDR's French group separator) and the thin
# space (U+2009). None of them can be a decimal separator.
_GROUP_SPACES = " \u00a0\u202f\u2009"


def parse_amount(text: str, *, locale: str | None = None) -> Decimal | None:
    """An amount typed by a person, read in their language; None if it is not one.

    "1 234,56" (plain, no-break or narrow no-break spaces) and "1234,56" in French; "1,234.56" and
    "1234.56" in English; a point as decimal separator is understood in every language when the text
    has no comma ("120.50" typed on a French page). A currency sign or code is not accepted here.
    """
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    value = text.strip()
    for space in _GROUP_SPACES:
        value = value.replace(space, "")
    if not value:
        return None
    if get_decimal_symbol(locale) == ",":
        if "," in value:
            if value.count(",") > 1 or ("." in value and value.index(".") > value.index(",")):
                return None  # "1,234.56" on a French page: ambiguous, refused
            value = value.replace(".", "").replace(",", ".")  # "1.234,56" too
    else:
        if "," in value:
            head, _, tail = value.partition(".")
            groups = head.lstrip("+-").split(",")
            if any(len(group) != 3 for group in groups[1:]) or not groups[0]:
                return None  # "12,5" on an English page is not an amount
            value = head.replace(",", "") + ("." + tail if "." in value else "")
    if value.count(".") > 1 or not all(char.isdigit() or char in ".+-" for char in value):
        return None
    try:
        amount = Decimal(value)
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None
