"""Money helpers: Decimal amounts rounded to the currency's minor unit, formatted by Babel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision
from django.utils import translation

ZERO = Decimal("0.00")


def minor_unit_exponent(currency: str) -> int:
    """Number of decimals of the currency (2 for EUR, 0 for JPY), from Babel's CLDR data."""
    return get_currency_precision(currency.upper())


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit: the only rounding in the project."""
    exponent = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(minor_unit_exponent(currency)))


def from_minor_units(value: int, currency: str) -> Decimal:
    return quantize(Decimal(value).scaleb(-minor_unit_exponent(currency)), currency)


def format_money(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    if amount is None:
        return ""
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    return format_currency(amount, currency.upper(), locale=locale)
