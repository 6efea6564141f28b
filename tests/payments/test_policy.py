"""The method policy, one test per rule, with the seeds' numbers (100 000 USD card limit, 2 000 USD card only)."""

from decimal import Decimal

import pytest

from payments.models import CardLimit, CountryPaymentOptions, PaymentMethod
from payments.policy import payment_options

pytestmark = pytest.mark.django_db

CARD, PAYPAL, SEPA = PaymentMethod.CARD, PaymentMethod.PAYPAL, PaymentMethod.SEPA_DEBIT


def options(amount, balances=None, country="US", currency="USD"):
    amount = Decimal(amount)
    balances = [Decimal(b) for b in (balances or [amount])]
    return payment_options(country=country, currency=currency, amount=amount, invoice_balances=balances)


def test_online_payment_only_in_countries_of_the_table():
    result = options("5000.00", country="BR")
    assert result.methods == []
    assert result.offline is True
    assert "not available in your country" in result.notes[0]


def test_staff_can_switch_a_country_off():
    CountryPaymentOptions.objects.filter(country="US").update(online_payment=False)
    assert options("5000.00").methods == []


def test_card_accepted_up_to_100000_usd_per_payment():
    assert CARD in options("100000.00").methods


def test_card_not_offered_above_100000_usd_and_page_says_what_else_works():
    result = options("100000.01")
    assert CARD not in result.methods
    assert PAYPAL in result.methods and result.offline
    assert "$100,000.00" in result.notes[0] and "bank transfer" in result.notes[0]


def test_card_limit_uses_the_configured_equivalent_of_the_currency():
    limit = CardLimit.objects.get(currency="EUR").max_amount
    assert CARD in options(limit, country="FR", currency="EUR").methods
    assert CARD not in options(limit + Decimal("0.01"), country="FR", currency="EUR").methods


def test_card_not_offered_in_a_currency_without_a_configured_limit():
    result = options("5000.00", currency="SEK")
    assert CARD not in result.methods
    assert "SEK" in result.notes[0]


def test_under_2000_usd_card_is_the_only_method():
    result = options("1999.99")
    assert result.methods == [CARD]
    assert result.card_only and not result.offline
    assert not result.allows(PaymentMethod.BANK_TRANSFER)


def test_2000_usd_exactly_is_not_card_only():
    result = options("2000.00")
    assert result.methods == [CARD, PAYPAL, PaymentMethod.ACH_DEBIT]
    assert result.offline


def test_combining_invoices_does_not_lift_the_card_only_rule():
    # Two invoices of 1 500 USD paid together make 3 000 USD: each is under 2 000, so card only.
    result = options("3000.00", balances=["1500.00", "1500.00"])
    assert result.methods == [CARD]
    assert result.card_only


def test_any_selected_invoice_under_2000_usd_makes_the_payment_card_only():
    result = options("11999.99", balances=["10000.00", "1999.99"])
    assert result.methods == [CARD]


def test_card_only_rule_applies_only_where_cards_are_accepted():
    CountryPaymentOptions.objects.filter(country="US").update(card=False)
    result = options("500.00")
    assert result.methods == [PAYPAL, PaymentMethod.ACH_DEBIT]
    assert result.offline and not result.card_only


def test_card_only_invoice_in_a_selection_over_the_card_limit_is_explained():
    result = options("150000.00", balances=["149000.00", "1000.00"])
    assert result.methods == []
    assert "on its own" in result.notes[0]


def test_sepa_direct_debit_only_for_eur_where_the_country_allows_it():
    assert options("5000.00", country="FR", currency="EUR").methods == [CARD, PAYPAL, SEPA]
    assert SEPA not in options("5000.00", country="US", currency="USD").methods
    assert SEPA not in options("5000.00", country="FR", currency="USD").methods


def test_ach_direct_debit_only_for_usd_in_the_us_where_staff_leave_it_on():
    assert options("5000.00").methods == [CARD, PAYPAL, PaymentMethod.ACH_DEBIT]  # on for the US (issue 11)
    assert PaymentMethod.ACH_DEBIT not in options("5000.00", currency="CAD").methods
    assert PaymentMethod.ACH_DEBIT not in options("5000.00", country="FR", currency="USD").methods
    assert PaymentMethod.ACH_DEBIT not in options("5000.00", country="FR", currency="EUR").methods
    assert PaymentMethod.ACH_DEBIT not in options("5000.00", country="CA", currency="USD").methods
    CountryPaymentOptions.objects.filter(country="US").update(ach_debit=False)  # staff switch it off
    assert PaymentMethod.ACH_DEBIT not in options("5000.00").methods
