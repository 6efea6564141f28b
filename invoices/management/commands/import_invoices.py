from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoices.import_files import import_command_run
from invoices.importing import invoices_import


class Command(BaseCommand):
    help = "Import invoices from the billing system (CSV or JSON, see invoices/IMPORT_FORMAT.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .csv or .json file")
        parser.add_argument(
            "--no-email",
            action="store_true",
            help="do not email issued invoices to their billing contacts (historical data)",
        )

    def handle(self, *args, file: Path, no_email: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        result = import_command_run(self, lambda: invoices_import(path=file, notify=not no_email))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} invoice(s) imported, {len(result.skipped)} already there and skipped."
            )
        )
