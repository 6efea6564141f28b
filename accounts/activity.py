"""Names of the activity-log actions, and how the Activity page and its CSV show them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Actions this app records. Other apps record theirs (payment.*, invoice.downloaded, rewards.*) with
# accounts.services.activity_record; an action missing here is shown by its code.
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

ACTION_LABELS = {
    SIGNED_IN: _("Signed in"),
    ACCOUNT_CLAIMED: _("Account claimed"),
    INVITATION_SENT: _("Invitation sent"),
    INVITATION_RESENT: _("Invitation sent again"),
    INVITATION_ACCEPTED: _("Invitation accepted"),
    INVITATION_REVOKED: _("Invitation revoked"),
    MEMBER_ROLE_CHANGED: _("Role changed"),
    MEMBER_REMOVED: _("Member removed"),
    CONTACT_CHANGED: _("Contact changed"),
    BILLING_CONTACT_GRANTED: _("Billing contact set by support"),
    "invoice.downloaded": _("Invoice downloaded"),
    "payment.started": _("Payment started"),
    "payment.succeeded": _("Payment succeeded"),
    "payment.failed": _("Payment failed"),
    "rewards.redeemed": _("Rewards redeemed"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
