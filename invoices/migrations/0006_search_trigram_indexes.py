"""Trigram indexes for the invoice search (pg_trgm) and an (account, currency) index for the currency filter.

The search is `icontains` and works without them: a PostgreSQL without the contrib extensions (the embedded
development server of `make run`) gets the migration state but not the trigram indexes, and scans instead.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper

TRIGRAM_INDEXES = [
    migrations.AddIndex(
        model_name="invoice",
        index=GinIndex(OpClass(Upper("number"), name="gin_trgm_ops"), name="invoice_number_trgm"),
    ),
    migrations.AddIndex(
        model_name="invoice",
        index=GinIndex(OpClass(Upper("po_number"), name="gin_trgm_ops"), name="invoice_po_number_trgm"),
    ),
    migrations.AddIndex(
        model_name="invoiceline",
        index=GinIndex(OpClass(Upper("order_number"), name="gin_trgm_ops"), name="line_order_number_trgm"),
    ),
]


def _pg_trgm_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def _trigram_indexes_add(apps, schema_editor):
    if not _pg_trgm_available(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for operation in TRIGRAM_INDEXES:
        schema_editor.add_index(apps.get_model("invoices", operation.model_name), operation.index)


def _trigram_indexes_remove(apps, schema_editor):
    for operation in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(operation.index.name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_constraint_messages"),
        ("invoices", "0005_constraint_messages"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["account", "currency"], name="invoice_account_currency"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=TRIGRAM_INDEXES,
            database_operations=[migrations.RunPython(_trigram_indexes_add, _trigram_indexes_remove)],
        ),
    ]
