"""Billing support's admin for the payments app, one module per concern (Django imports this package)."""

from payments.admin import configuration, invoices, ledger, remittance  # noqa: F401 — they register
