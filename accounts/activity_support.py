"""Activity codes recorded by billing-support requests (support/), listed here so that accounts.activity
knows their label and sentence without importing a higher app. Each spec: (label, kind, sentence, variants)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SUPPORT_EVENT_SPECS: dict[str, tuple[Promise, str, Promise, dict[str, Promise]]] = {
    "support.request_opened": (
        _("Support request opened"),
        "invoices",
        _("%(person)s opened request %(request)s: %(subject)s"),
        {},
    ),
    "support.request_message": (
        _("Support request message"),
        "invoices",
        _("%(person)s wrote on request %(request)s."),
        {"staff": _("Vendor support answered request %(request)s.")},
    ),
    "support.request_assigned": (
        _("Support request assigned"),
        "support",
        _("Request %(request)s was assigned to a billing support agent."),
        {},
    ),
    "support.request_status": (
        _("Support request status"),
        "invoices",
        _("Request %(request)s changed status."),
        {
            "in_review": _("Request %(request)s is being reviewed by billing support."),
            "waiting_for_customer": _("Billing support is waiting for your answer on request %(request)s."),
        },
    ),
    "support.request_closed": (
        _("Support request closed"),
        "invoices",
        _("Request %(request)s closed."),
        {
            "resolved": _("Request %(request)s resolved."),
            "refused": _("Request %(request)s refused."),
        },
    ),
    "invoice.disputed": (
        _("Invoice disputed"),
        "invoices",
        _("Invoice %(invoice)s disputed for %(amount)s (request %(request)s)."),
        {},
    ),
    "invoice.dispute_rejected": (
        _("Dispute rejected"),
        "invoices",
        _("The dispute of invoice %(invoice)s was rejected: it is due again."),
        {},
    ),
    "invoice.credited": (
        _("Credit memo issued"),
        "invoices",
        _("Credit memo %(memo)s of %(amount)s issued on invoice %(invoice)s."),
        {},
    ),
    "support.default_po_set": (
        _("PO number for future invoices"),
        "support",
        _("Vendor support set PO %(po)s on the account's next invoices."),
        {},
    ),
    "support.tax_number_changed": (
        _("Tax number changed"),
        "support",
        _("Vendor support changed the account's tax number to %(tax_number)s."),
        {},
    ),
    "support.billing_details_changed": (
        _("Billing details changed"),
        "support",
        _("Vendor support updated the account's legal name or billing address."),
        {},
    ),
}
