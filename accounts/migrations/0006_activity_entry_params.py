"""Activity entries become a code plus parameters; existing rows get parameters read from their summary.

The summaries below are the English sentences the services wrote before this migration. Rows whose
summary matches one of them get the parameters (and keep their summary, harmless now); the others keep
only their summary, which the Activity page shows as a fallback.
"""

import re

from django.db import migrations, models

MONEY = r"(?P<amount>-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})"

# code -> [(pattern, fixed params)], tried in order; named groups become parameters.
LEGACY_SUMMARIES = {
    "auth.signed_in": [(r"(?P<person>\S+) signed in", {})],
    "account.claimed": [(r"(?P<person>\S+) became billing contact by verifying the contract email", {})],
    "invitation.sent": [(r"Invitation sent to (?P<email>\S+) as (?P<role>\w+)", {})],
    "invitation.resent": [(r"Invitation sent again to (?P<email>\S+)", {})],
    "invitation.revoked": [(r"Invitation for (?P<email>\S+) revoked", {})],
    "invitation.accepted": [(r"(?P<person>\S+) accepted the invitation as (?P<role>\w+)", {})],
    "member.role_changed": [(r"(?P<email>\S+): (?P<from_role>\w+) → (?P<to_role>\w+)", {})],
    "member.removed": [(r"(?P<email>\S+) \((?P<role>\w+)\) removed from the team", {})],
    "contact.changed": [
        (r"Billing contact details updated \((?P<email>\S+)\)", {"variant": "updated", "kind": "billing"}),
        (
            r"Billing contact email changed from (?P<old_email>\S+) to (?P<email>\S+) \(verified\)",
            {"variant": "email_moved", "kind": "billing"},
        ),
        (r"Dunning contact set to (?P<email>\S+)", {"variant": "set", "kind": "dunning"}),
        (r"Account contact set to (?P<email>\S+)", {"variant": "set", "kind": "account"}),
        (r"Dunning contact removed", {"variant": "removed", "kind": "dunning"}),
        (r"Account contact removed", {"variant": "removed", "kind": "account"}),
    ],
    "billing_contact.granted_by_staff": [
        (r"Support made (?P<email>\S+) billing contact \(\w+\): (?P<reason>.*)", {})
    ],
    "support.password_reset_sent": [(r"Support sent (?P<email>\S+) a password reset email", {})],
    "invoice.issued": [(rf"Invoice (?P<invoice>\S+) issued: (?P<total>-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{{3}})", {})],
    "invoice.downloaded": [(r"Invoice (?P<invoice>\S+) downloaded \(PDF, version (?P<version>\d+)\)", {})],
    "invoice.resent": [(r"Invoice (?P<invoice>\S+) emailed again", {})],
    "invoice.cancelled": [(r"Invoice (?P<invoice>\S+) cancelled: (?P<reason>.*)", {})],
    "rewards.redeemed": [(rf"{MONEY} of Support Rewards redeemed on (?P<invoice>\S+)", {})],
    "rewards.deposited": [(rf"{MONEY} of Support Rewards earned in (?P<month>\d{{4}}-\d{{2}}) deposited", {})],
    "rewards.expired": [(rf"{MONEY} of Support Rewards expired.*", {})],
    "rewards.adjusted": [(rf"Support Rewards adjusted by {MONEY}: (?P<reason>.*)", {})],
    "rewards.code_rotated": [(r"A new Support Rewards redemption code was issued.*", {})],
    "autopay.enabled": [
        (r"Automatic payment switched on with (?P<payment_method>.+)", {"variant": "with"}),
        (r"Automatic payment switched on", {}),
    ],
    "autopay.disabled": [(r"Automatic payment switched off", {})],
    "payment.started": [(rf"(?P<payment>\S+): {MONEY} by (?P<method>\w+) for (?P<invoices>.*)", {})],
    "payment.succeeded": [(rf"(?P<payment>\S+): {MONEY} received by (?P<method>\w+)", {})],
    "payment.failed": [(rf"(?P<payment>\S+): {MONEY} by (?P<method>\w+) failed: (?P<reason>.*)", {})],
    "payment.attempt_cancelled": [
        (rf"(?P<payment>\S+): {MONEY} by (?P<method>\w+): cancel asked by the payer, now (?P<status>\w+)", {})
    ],
    "payment.allocated": [(rf"{MONEY} of (?P<payment>\S+) applied to (?P<invoice>\S+)", {})],
    "payment.reversed": [(rf"{MONEY} of (?P<payment>\S+) reversed on (?P<invoice>\S+): (?P<reason>.*)", {})],
    "payment.credit_applied": [(rf"{MONEY} of account credit applied \((?P<payment>\S+)\)", {})],
    "refund.requested": [
        (rf"Refund of {MONEY} of account credit requested", {}),
        (rf"Refund of {MONEY} left by (?P<payment>\S+) requested", {"variant": "payment"}),
    ],
    "refund.rejected": [(rf"Refund of {MONEY} rejected: (?P<reason>.*)", {})],
    "refund.paid": [
        (rf"Refund of {MONEY} paid \(card\)", {"method": "card"}),
        (rf"Refund of {MONEY} paid \(bank transfer\)", {"method": "bank_transfer"}),
    ],
}


def legacy_params(action: str, summary: str, details: dict) -> dict | None:
    for pattern, fixed in LEGACY_SUMMARIES.get(action, []):
        match = re.fullmatch(pattern, summary)
        if match:
            params = {**fixed, **match.groupdict()}
            if "invoices" in params:
                params["invoices"] = [n.strip() for n in params["invoices"].split(",") if n.strip()]
            if action in ("payment.allocated", "payment.succeeded") and details.get("method"):
                params.setdefault("method", details["method"])
            return params
    return None


def add_params(apps, schema_editor):
    ActivityEntry = apps.get_model("accounts", "ActivityEntry")
    for entry in ActivityEntry.objects.filter(params={}).exclude(summary="").iterator(chunk_size=500):
        params = legacy_params(entry.action, entry.summary, entry.details or {})
        if params is not None:
            # Entries are append-only for the application; a migration writes through the queryset.
            ActivityEntry.objects.filter(pk=entry.pk).update(params=params)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_activity_entry_by_vendor_support")]

    operations = [
        migrations.AddField(
            model_name="activityentry",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="activityentry",
            name="summary",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary"),
        ),
        migrations.RunPython(add_params, migrations.RunPython.noop),
    ]
