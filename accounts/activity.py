"""The activity log's events: each code's label and sentence, rendered when read, in the reader's language.

An entry stores a code (`action`) and structured parameters (`params`); nothing in it is English. The
label names the kind of event (the Action column and filter), the sentence says what happened, with
amounts and dates formatted by Babel for the reader's locale. Entries recorded before the codes had
sentences, or under a code not listed here, show their stored `summary` as a fallback.

Parameters are plain JSON values; how one is shown depends on its name (see `_format_param`):
money (`amount`, `total`, `paid`, `rewards_returned`, `credit`) with the entry's `currency`, a role
(`role`, `from_role`, `to_role`), a payment method (`method`), a payment status (`status`), a contact
kind (`kind`), a date (`*_on`), a month (`month`, YYYY-MM), a rate (`rate`, a fraction).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_percent
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.activity_labels import (  # noqa: F401 — part of this module's API
    ACCESS_LABELS,
    CONTACT_KIND_LABELS,
    METHOD_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)
from accounts.activity_support import SUPPORT_EVENT_SPECS
from core.money import format_money

# Actions this app records. Other apps record theirs with accounts.services.activity_record, under the
# codes listed in EVENTS below.
SIGNED_IN = "auth.signed_in"
ACCOUNT_CLAIMED = "account.claimed"
INVITATION_SENT = "invitation.sent"
INVITATION_RESENT = "invitation.resent"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REVOKED = "invitation.revoked"
MEMBER_ROLE_CHANGED = "member.role_changed"
MEMBER_REMOVED = "member.removed"
CONTACT_CHANGED = "contact.changed"
BILLING_CONTACT_GRANTED = "billing_contact.granted_by_staff"
BILLING_CONTACT_TRANSFERRED = "billing_contact.transferred_by_staff"
BILLING_EMAIL_HANDOVER_ASKED = "billing_contact.email_handover_asked"
PASSWORD_RESET_SENT_BY_SUPPORT = "support.password_reset_sent"
# Changes staff made in the admin's own forms (memberships, contacts, the account's details).
ADMIN_ADDED = "support.admin_added"
ADMIN_CHANGED = "support.admin_changed"
ADMIN_DELETED = "support.admin_deleted"

# Customers see who acted among their own team; vendor staff are "Vendor support", never a name.
VENDOR_SUPPORT = "vendor-support"  # the Person filter's value for entries by vendor staff
VENDOR_SUPPORT_LABEL = _("Vendor support")


# --- kinds of event (the plain-words filter) -----------------------------------------------------------

KIND_SIGN_INS = "sign-ins"
KIND_TEAM = "team"
KIND_INVOICES = "invoices"
KIND_PAYMENTS = "payments"
KIND_CREDIT = "credit"
KIND_REWARDS = "rewards"
KIND_SUPPORT = "support"

KIND_LABELS: dict[str, Promise] = {
    KIND_SIGN_INS: _("Sign-ins"),
    KIND_TEAM: _("Team, contacts and access"),
    KIND_INVOICES: _("Invoices"),
    KIND_PAYMENTS: _("Payments"),
    KIND_CREDIT: _("Account credit and refunds"),
    KIND_REWARDS: _("Support Rewards"),
    KIND_SUPPORT: _("Changes made by vendor support"),
}


@dataclass(frozen=True)
class Event:
    """How one code reads: its label, its kind, and its sentence (one per variant of the event)."""

    label: Promise
    kind: str
    sentence: Promise
    variants: dict[str, Promise] = field(default_factory=dict)


EVENTS: dict[str, Event] = {
    SIGNED_IN: Event(_("Signed in"), KIND_SIGN_INS, _("%(person)s signed in.")),
    ACCOUNT_CLAIMED: Event(
        _("Account claimed"),
        KIND_TEAM,
        _("%(person)s became billing contact by confirming the contract email address."),
    ),
    INVITATION_SENT: Event(_("Invitation sent"), KIND_TEAM, _("Invitation sent to %(email)s as %(role)s.")),
    INVITATION_RESENT: Event(_("Invitation sent again"), KIND_TEAM, _("Invitation sent again to %(email)s.")),
    INVITATION_ACCEPTED: Event(
        _("Invitation accepted"), KIND_TEAM, _("%(person)s accepted the invitation as %(role)s.")
    ),
    INVITATION_REVOKED: Event(_("Invitation revoked"), KIND_TEAM, _("Invitation for %(email)s revoked.")),
    MEMBER_ROLE_CHANGED: Event(
        _("Role changed"), KIND_TEAM, _("Role of %(email)s changed from %(from_role)s to %(to_role)s.")
    ),
    MEMBER_REMOVED: Event(_("Member removed"), KIND_TEAM, _("%(email)s (%(role)s) removed from the team.")),
    CONTACT_CHANGED: Event(
        _("Contact changed"),
        KIND_TEAM,
        _("%(kind)s changed."),
        variants={
            "updated": _("Billing contact details updated (%(email)s)."),
            "set": _("%(kind)s set to %(email)s."),
            "removed": _("%(kind)s removed."),
            "email_moved": _("Billing email address changed from %(old_email)s to %(email)s (confirmed)."),
        },
    ),
    BILLING_CONTACT_GRANTED: Event(
        _("Billing contact set by support"),
        KIND_SUPPORT,
        _("Vendor support made %(email)s a billing contact: %(reason)s"),
    ),
    BILLING_CONTACT_TRANSFERRED: Event(
        _("Billing contact transferred by support"),
        KIND_SUPPORT,
        _("Vendor support transferred the billing contact role to %(email)s: %(reason)s"),
        variants={
            "kept": _(
                "Vendor support transferred the billing contact role to %(email)s; %(previous)s stay as payers: "
                "%(reason)s"
            ),
            "removed": _(
                "Vendor support transferred the billing contact role to %(email)s; %(previous)s were removed "
                "from the team: %(reason)s"
            ),
        },
    ),
    BILLING_EMAIL_HANDOVER_ASKED: Event(
        _("Billing email handover asked"),
        KIND_TEAM,
        _("%(email)s was asked to confirm that invoices are now sent to them instead of %(old_email)s."),
    ),
    PASSWORD_RESET_SENT_BY_SUPPORT: Event(
        _("Password reset email sent by support"),
        KIND_SUPPORT,
        _("Vendor support sent %(email)s a password reset email."),
    ),
    ADMIN_ADDED: Event(_("Added by support"), KIND_SUPPORT, _("Vendor support added %(object)s.")),
    ADMIN_CHANGED: Event(
        _("Changed by support"),
        KIND_SUPPORT,
        _("Vendor support changed %(object)s."),
        variants={"with_changes": _("Vendor support changed %(object)s: %(changes)s")},
    ),
    ADMIN_DELETED: Event(_("Deleted by support"), KIND_SUPPORT, _("Vendor support deleted %(object)s.")),
    "invoice.issued": Event(
        _("Invoice issued"), KIND_INVOICES, _("Invoice %(invoice)s issued for %(total)s.")
    ),
    "invoice.resent": Event(
        _("Invoice emailed again"), KIND_INVOICES, _("Invoice %(invoice)s emailed again.")
    ),
    "invoice.downloaded": Event(
        _("Invoice downloaded"),
        KIND_INVOICES,
        _("Invoice %(invoice)s downloaded (PDF, version %(version)s)."),
        variants={"document": _("Invoice %(invoice)s downloaded (%(document)s, version %(version)s).")},
    ),
    "invoice.cancelled": Event(
        _("Invoice cancelled"), KIND_INVOICES, _("Invoice %(invoice)s cancelled: %(reason)s")
    ),
    "invoice.reissued": Event(
        _("Invoice reissued"),
        KIND_INVOICES,
        _(
            "Invoice %(invoice)s cancelled and reissued as %(new_invoice)s; %(paid)s already paid carried "
            "over, %(rewards_returned)s of Support Rewards returned."
        ),
    ),
    "payment.started": Event(
        _("Payment started"), KIND_PAYMENTS, _("%(payment)s: %(amount)s by %(method)s for %(invoices)s.")
    ),
    "payment.succeeded": Event(
        _("Payment succeeded"), KIND_PAYMENTS, _("%(payment)s: %(amount)s received by %(method)s.")
    ),
    "payment.failed": Event(
        _("Payment failed"), KIND_PAYMENTS, _("%(payment)s: %(amount)s by %(method)s failed: %(reason)s")
    ),
    "payment.attempt_cancelled": Event(
        _("Payment cancelled"),
        KIND_PAYMENTS,
        _("%(payment)s: %(amount)s by %(method)s, cancelled by the payer (now %(status)s)."),
    ),
    "payment.allocated": Event(
        _("Payment applied"), KIND_PAYMENTS, _("%(amount)s of %(payment)s applied to %(invoice)s.")
    ),
    "payment.reversed": Event(
        _("Payment reversed"),
        KIND_PAYMENTS,
        _("%(amount)s of %(payment)s reversed on %(invoice)s: %(reason)s"),
    ),
    "payment.remittance_announced": Event(
        _("Payment announced"), KIND_PAYMENTS, _("%(method)s of %(amount)s announced for %(invoice)s.")
    ),
    "payment.remittance_withdrawn": Event(
        _("Payment announcement withdrawn"),
        KIND_PAYMENTS,
        _("%(method)s of %(amount)s announced for %(invoice)s withdrawn."),
    ),
    "payment.offline_received": Event(
        _("Payment received"), KIND_PAYMENTS, _("%(method)s of %(amount)s received (%(payment)s).")
    ),
    "payment.credit_applied": Event(
        _("Account credit applied"), KIND_CREDIT, _("%(amount)s of account credit applied (%(payment)s).")
    ),
    "payment.credit_shortfall": Event(
        _("Credit to recover"),
        KIND_CREDIT,
        _(
            "%(payment)s reversed: %(amount)s of the credit it left was already used and will be recovered "
            "by billing support."
        ),
    ),
    "refund.requested": Event(
        _("Refund requested"),
        KIND_CREDIT,
        _("Refund of %(amount)s of account credit requested."),
        variants={"payment": _("Refund of %(amount)s left by %(payment)s requested.")},
    ),
    "refund.paid": Event(_("Refund paid"), KIND_CREDIT, _("Refund of %(amount)s paid by %(method)s.")),
    "refund.rejected": Event(
        _("Refund rejected"), KIND_CREDIT, _("Refund of %(amount)s rejected: %(reason)s")
    ),
    "autopay.enabled": Event(
        _("Automatic payment on"),
        KIND_PAYMENTS,
        _("Automatic payment switched on."),
        variants={"with": _("Automatic payment switched on with %(payment_method)s.")},
    ),
    "autopay.disabled": Event(
        _("Automatic payment off"), KIND_PAYMENTS, _("Automatic payment switched off.")
    ),
    "rewards.enrolled": Event(
        _("Enrolled in Support Rewards"),
        KIND_REWARDS,
        _("Enrolled in Support Rewards at %(rate)s from %(start_on)s."),
    ),
    "rewards.deposited": Event(
        _("Support Rewards deposited"),
        KIND_REWARDS,
        _("%(amount)s of Support Rewards earned in %(month)s deposited."),
    ),
    "rewards.redeemed": Event(
        _("Support Rewards redeemed"),
        KIND_REWARDS,
        _("%(amount)s of Support Rewards redeemed on %(invoice)s."),
    ),
    "rewards.expired": Event(
        _("Support Rewards expired"), KIND_REWARDS, _("%(amount)s of Support Rewards expired.")
    ),
    "rewards.adjusted": Event(
        _("Support Rewards adjusted"), KIND_REWARDS, _("Support Rewards adjusted by %(amount)s: %(reason)s")
    ),
    "rewards.code_rotated": Event(
        _("New redemption code"),
        KIND_REWARDS,
        _("A new Support Rewards redemption code was issued; the previous one no longer works."),
    ),
    # The API (api/): tokens and webhook endpoints. A token's use is logged at most every 15 minutes.
    "api.token_created": Event(
        _("API token created"),
        KIND_TEAM,
        _("API token “%(name)s” (%(prefix)s…) created with %(access)s access."),
    ),
    "api.token_revoked": Event(
        _("API token revoked"), KIND_TEAM, _("API token “%(name)s” (%(prefix)s…) revoked.")
    ),
    "api.token_used": Event(_("API token used"), KIND_TEAM, _("API token “%(name)s” (%(prefix)s…) used.")),
    "api.webhook_added": Event(
        _("Webhook added"), KIND_TEAM, _("Webhook endpoint %(url)s added for %(events)s.")
    ),
    "api.webhook_removed": Event(_("Webhook removed"), KIND_TEAM, _("Webhook endpoint %(url)s removed.")),
    "api.webhook_disabled": Event(
        _("Webhook disabled"), KIND_TEAM, _("Webhook endpoint %(url)s disabled after 3 days of failures.")
    ),
    # orders: billing starts at provisioning
    "order.product_provisioned": Event(
        _("Product provisioned"),
        KIND_INVOICES,
        _("%(product)s of order %(order)s provisioned on %(provisioned_on)s."),
    ),
}
EVENTS.update({code: Event(*spec) for code, spec in SUPPORT_EVENT_SPECS.items()})

MONEY_PARAMS = frozenset({"amount", "total", "paid", "rewards_returned", "credit"})


def action_label(action: str) -> str:
    event = EVENTS.get(action)
    return str(event.label) if event else str(_("Other event"))


def action_kind(action: str) -> str:
    event = EVENTS.get(action)
    return event.kind if event else ""


def actions_of_kind(kind: str) -> list[str]:
    return [code for code, event in EVENTS.items() if event.kind == kind]


def _locale() -> str:
    return (translation.get_language() or "en").replace("-", "_")


def _format_param(name: str, value, params: dict) -> str:
    if value is None:
        return ""
    if name in MONEY_PARAMS and params.get("currency"):
        try:
            return format_money(Decimal(str(value)), str(params["currency"]))
        except InvalidOperation:
            return str(value)
    if name in ("role", "from_role", "to_role"):
        return str(ROLE_LABELS.get(value, value))
    if name == "kind":
        return str(CONTACT_KIND_LABELS.get(value, value))
    if name == "method":
        return str(METHOD_LABELS.get(value, value))
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name == "access":
        return str(ACCESS_LABELS.get(value, value))
    if name.endswith("_on"):
        try:
            return format_date(datetime.date.fromisoformat(str(value)), "long", locale=_locale())
        except ValueError:
            return str(value)
    if name == "month":
        try:
            return format_date(datetime.date.fromisoformat(f"{value}-01"), "LLLL y", locale=_locale())
        except ValueError:
            return str(value)
    if name == "rate":
        return format_percent(Decimal(str(value)), locale=_locale())
    if name == "object":
        return _object_label(value)
    if name == "changes":
        return _admin_changes(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _object_label(value) -> str:
    """An admin object: {"model": "app_label.model", "name": str(obj)} -> "membership payer@…"."""
    if not isinstance(value, dict):
        return str(value)
    try:
        model = apps.get_model(value.get("model", ""))
    except (LookupError, ValueError):
        return str(value.get("name", ""))
    return f"{model._meta.verbose_name} {value.get('name', '')}".strip()


def _admin_changes(value) -> str:
    """The admin's change message (its JSON form), read in the reader's language."""
    from django.contrib.admin.models import LogEntry  # a model: needs the app registry, not at import

    message = value if isinstance(value, str) else json.dumps(value)
    return str(LogEntry(change_message=message).get_change_message())


def describe(*, action: str, params: dict | None, summary: str = "") -> str:
    """The sentence of one entry in the active language; its stored summary when it cannot be built."""
    event = EVENTS.get(action)
    params = params or {}
    if event is None or not params and summary:
        return summary or action_label(action)
    template = event.variants.get(str(params.get("variant", "")), event.sentence)
    values = {name: _format_param(name, value, params) for name, value in params.items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return summary or str(event.label)


def actor_label(*, actor_email: str, by_vendor_support: bool) -> str:
    """Who acted, as customers see it: a team member's email, "Vendor support", or "System"."""
    if by_vendor_support:
        return str(VENDOR_SUPPORT_LABEL)
    return actor_email or str(_("System"))


def actor_choice_label(value: str) -> str:
    return str(VENDOR_SUPPORT_LABEL) if value == VENDOR_SUPPORT else value
