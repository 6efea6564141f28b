"""Load the demo data of `make run`: idempotent, safe to run on every start."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo


class Command(BaseCommand):
    help = "Create demo customer accounts, users for each role and invoices in every status (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.seed_all()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Sign in with (password for all: {demo.PASSWORD}):")
        )
        for email, description in logins:
            self.stdout.write(f"  {email:<32} {description}")
