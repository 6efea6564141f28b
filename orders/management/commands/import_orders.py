from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoices.import_files import import_command_run
from orders.importing import orders_import


class Command(BaseCommand):
    help = (
        "Import subscriptions, orders and usage (JSON or CSV, see orders/IMPORT_FORMAT.md). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .json file, or a .csv of order lines or of usage")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        result = import_command_run(self, lambda: orders_import(path=file))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} record(s) imported, {len(result.skipped)} already there and skipped."
            )
        )
