"""Default per-country online methods and per-currency card thresholds; staff adjust them in the admin."""

from decimal import Decimal

from django.db import migrations

# country: (card, paypal, sepa_debit, ach_debit). ACH debit (Stripe us_bank_account) in the US: see 0009.
COUNTRIES = {
    "US": (True, True, False, True),
    "CA": (True, True, False, False),
    "GB": (True, True, False, False),
    "IE": (True, True, True, False),
    "FR": (True, True, True, False),
    "DE": (True, True, True, False),
    "ES": (True, True, True, False),
    "IT": (True, True, True, False),
    "NL": (True, True, True, False),
    "BE": (True, True, True, False),
    "LU": (True, True, True, False),
    "AT": (True, True, True, False),
    "PT": (True, True, True, False),
    "FI": (True, True, True, False),
    "CH": (True, True, False, False),
    "AU": (True, True, False, False),
    "JP": (True, False, False, False),
}

# currency: (card limit per payment, card is the only method below). 100 000 USD / 2 000 USD and
# their configured equivalents.
CARD_LIMITS = {
    "USD": ("100000.00", "2000.00"),
    "EUR": ("92000.00", "1840.00"),
    "GBP": ("79000.00", "1580.00"),
    "CHF": ("88000.00", "1760.00"),
    "CAD": ("138000.00", "2760.00"),
    "AUD": ("152000.00", "3040.00"),
    "JPY": ("15000000.00", "300000.00"),
}


def seed(apps, schema_editor):
    CountryPaymentOptions = apps.get_model("payments", "CountryPaymentOptions")
    CardLimit = apps.get_model("payments", "CardLimit")
    for country, (card, paypal, sepa, ach) in COUNTRIES.items():
        CountryPaymentOptions.objects.get_or_create(
            country=country,
            defaults={
                "online_payment": True,
                "card": card,
                "paypal": paypal,
                "sepa_debit": sepa,
                "ach_debit": ach,
            },
        )
    for currency, (limit, card_only) in CARD_LIMITS.items():
        CardLimit.objects.get_or_create(
            currency=currency,
            defaults={"max_amount": Decimal(limit), "card_only_below": Decimal(card_only)},
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_online_providers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
