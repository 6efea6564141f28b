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
PASSWORD_RESET_SENT_BY_SUPPORT = "support.password_reset_sent"
# Changes staff made in the admin's own forms (memberships, contacts, the account's details).
ADMIN_ADDED = "support.admin_added"
ADMIN_CHANGED = "support.admin_changed"
ADMIN_DELETED = "support.admin_deleted"

# Customers see who acted among their own team; vendor staff are "Vendor support", never a name.
VENDOR_SUPPORT = "vendor-support"  # the Person filter's value for entries by vendor staff
VENDOR_SUPPORT_LABEL = _("Vendor support")

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
    PASSWORD_RESET_SENT_BY_SUPPORT: _("Password reset email sent by support"),
    ADMIN_ADDED: _("Added by support"),
    ADMIN_CHANGED: _("Changed by support"),
    ADMIN_DELETED: _("Deleted by support"),
    "invoice.resent": _("Invoice emailed again"),
    "invoice.downloaded": _("Invoice downloaded"),
    "payment.started": _("Payment started"),
    "payment.succeeded": _("Payment succeeded"),
    "payment.failed": _("Payment failed"),
    "rewards.redeemed": _("Rewards redeemed"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def actor_label(*, actor_email: str, by_vendor_support: bool) -> str:
    """Who acted, as customers see it: a team member's email, "Vendor support", or "System"."""
    if by_vendor_support:
        return str(VENDOR_SUPPORT_LABEL)
    return actor_email or str(_("System"))


def actor_choice_label(value: str) -> str:
    return str(VENDOR_SUPPORT_LABEL) if value == VENDOR_SUPPORT else value
