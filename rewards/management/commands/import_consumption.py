"""manage.py import_consumption FILE.csv — monthly cloud consumption, validated whole, then written in one transaction.

The format and the rules are in rewards/importing.py.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rewards.importing import ConsumptionImportError, consumption_import, consumption_rows_read


class Command(BaseCommand):
    help = "Import monthly cloud consumption for Support Rewards from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = consumption_import(rows=consumption_rows_read(path=file))
        except ConsumptionImportError as error:
            raise CommandError("Nothing imported:\n" + "\n".join(error.errors)) from error
        self.stdout.write(
            f"Imported {result.imported} consumption record(s); {result.unchanged} already present."
        )
