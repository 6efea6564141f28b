"""format_money caches Babel's parsed pattern and each formatted value: the text must stay Babel's."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from core.money import format_money


@pytest.mark.parametrize("locale", ["en", "fr", "en_US", "fr_FR", "fr-fr"])
@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY", "usd"])
@pytest.mark.parametrize("amount", ["0", "0.00", "1234.5", "1234.50", "-1234.56", "1000000.005", "12.3456"])
def test_format_money_is_babels_format_currency(amount, currency, locale):
    expected = format_currency(Decimal(amount), currency.upper(), locale=locale.replace("-", "_"))
    assert format_money(Decimal(amount), currency, locale) == expected
    assert format_money(Decimal(amount), currency, locale) == expected  # the cached answer too


def test_format_money_in_french_uses_narrow_no_break_spaces():
    assert format_money(Decimal("1234.5"), "USD", "fr") == "1\u202f234,50\u00a0$US"


def test_no_amount_is_an_empty_string():
    assert format_money(None, "USD", "en") == ""
