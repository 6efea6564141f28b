"""Trigram indexes for the invoice search (pg_trgm) and an (account, currency) index for the currency filter."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_constraint_messages"),
        ("invoices", "0005_constraint_messages"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["account", "currency"], name="invoice_account_currency"),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("number"), name="gin_trgm_ops"
                ),
                name="invoice_number_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("po_number"), name="gin_trgm_ops"
                ),
                name="invoice_po_number_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="invoiceline",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("order_number"), name="gin_trgm_ops"
                ),
                name="line_order_number_trgm",
            ),
        ),
    ]
