"""ACH direct debit (Stripe us_bank_account, microdeposits or instant verification) is switched on for the US."""

from django.db import migrations


def ach_on(apps, schema_editor):
    CountryPaymentOptions = apps.get_model("payments", "CountryPaymentOptions")
    CountryPaymentOptions.objects.filter(country="US").update(ach_debit=True)


def ach_off(apps, schema_editor):
    CountryPaymentOptions = apps.get_model("payments", "CountryPaymentOptions")
    CountryPaymentOptions.objects.filter(country="US").update(ach_debit=False)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0008_webhook_event_status_rejected_held"),
    ]

    operations = [migrations.RunPython(ach_on, ach_off)]
