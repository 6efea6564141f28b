"""Labels of the values some activity parameters hold (accounts.activity renders them).

The models that own these choices live in higher layers (payments, api); their codes are stable, so the
words are repeated here (same msgids: one translation).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ROLE_LABELS: dict[str, Promise] = {
    "billing_contact": _("Billing contact"),
    "payer": _("Payer"),
    "viewer": _("Viewer"),
}
CONTACT_KIND_LABELS: dict[str, Promise] = {
    "billing": _("Billing contact"),
    "dunning": _("Dunning contact"),
    "account": _("Account contact"),
}
METHOD_LABELS: dict[str, Promise] = {
    "card": _("Card"),
    "paypal": _("PayPal"),
    "sepa_debit": _("SEPA direct debit"),
    "ach_debit": _("ACH direct debit"),
    "bank_transfer": _("Bank transfer"),
    "ach_credit": _("ACH credit transfer"),
    "cheque": _("Cheque"),
    "rewards": _("Support Rewards"),
    "account_credit": _("Account credit"),
}
STATUS_LABELS: dict[str, Promise] = {
    "pending": _("Pending"),
    "processing": _("Processing"),
    "succeeded": _("Succeeded"),
    "failed": _("Failed"),
    "refunded": _("Refunded"),
    "cancelled": pgettext_lazy("payment", "Cancelled"),
}
# An API token's access (api.models.TokenRole).
ACCESS_LABELS: dict[str, Promise] = {
    "read_only": _("Read only"),
    "payer": _("Payer (may also announce payments and open requests)"),
}
