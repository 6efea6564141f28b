"""Demo data for `make run`: Acme's billing-contact details and a pending invitation to resend or revoke."""

from __future__ import annotations

from accounts.models import AccountContact, ContactKind, Invitation, Role, User

DEMO_INVITEE = "new.analyst@acme.example"


def seed(context: dict) -> None:
    acme = context["accounts"]["acme"]
    AccountContact.objects.get_or_create(
        account=acme,
        kind=ContactKind.BILLING,
        defaults={"name": "Alice Payne", "email": "ap@acme.example", "phone": "+1 415 555 0142"},
    )
    if Invitation.objects.filter(account=acme, email=DEMO_INVITEE).exists():
        return
    Invitation.objects.create(
        account=acme,
        email=DEMO_INVITEE,
        role=Role.VIEWER,
        invited_by=User.objects.filter(email="ap@acme.example").first(),
        language=acme.language,
    )
