"""Writes on the account's contacts (billing, dunning, account): who receives invoices and notices, each change recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import activity
from accounts.models import (
    AccountContact,
    ContactKind,
    CustomerAccount,
    Role,
    User,
)
from accounts.services import TeamError, account_row_lock, activity_record


def _contact_snapshot(contact: AccountContact | None) -> dict:
    if contact is None:
        return {}
    return {"name": contact.name, "email": contact.email, "phone": contact.phone}


def _contact_lock(*, account: CustomerAccount, kind: str) -> tuple[AccountContact | None, dict]:
    """Lock the account, then its contact of `kind` (if any); return it with its details before the change."""
    account_row_lock(account)
    contact = AccountContact.objects.select_for_update().filter(account=account, kind=kind).first()
    return contact, _contact_snapshot(contact)


def _contact_change_record(
    *, account: CustomerAccount, actor: User, kind: str, before: dict, after: dict, params: dict, request
) -> None:
    activity_record(
        account=account,
        actor=actor,
        action=activity.CONTACT_CHANGED,
        params={"kind": str(kind), **params},
        target=kind,
        details={"kind": str(kind), "before": before, "after": after},
        request=request,
    )


@transaction.atomic
def contact_billing_update(
    *, actor: User, account: CustomerAccount, name: str, phone: str, request=None
) -> AccountContact:
    """The signed-in billing contact updates their details as the account's invoice recipient.

    The email is always the user's own verified primary address: a new address goes through
    allauth's add-verify-make-primary flow (billing_contact_email_sync follows it).
    """
    contact, before = _contact_lock(account=account, kind=ContactKind.BILLING)
    contact = contact or AccountContact(account=account, kind=ContactKind.BILLING)
    contact.name, contact.phone, contact.email = name.strip(), phone.strip(), actor.email
    after = _contact_snapshot(contact)
    if after == before:
        return contact
    contact.save()
    _contact_change_record(
        account=account,
        actor=actor,
        kind=ContactKind.BILLING,
        before=before,
        after=after,
        params=(
            {"variant": "email_moved", "old_email": before["email"], "email": contact.email}
            if before.get("email") and before["email"].lower() != contact.email.lower()
            else {"variant": "updated", "email": contact.email}
        ),
        request=request,
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, account: CustomerAccount, kind: str, name: str, email: str, phone: str, request=None
) -> AccountContact | None:
    """Set or clear (empty email) a dunning or account contact, who receive invoice emails in copy."""
    kind = ContactKind(kind)
    if kind == ContactKind.BILLING:
        raise TeamError(_("The billing contact is updated from their own details."))
    contact, before = _contact_lock(account=account, kind=kind)
    email = email.strip().lower()
    if not email:
        if contact is None:
            return None
        contact.delete()
        contact, after = None, {}
    else:
        contact = contact or AccountContact(account=account, kind=kind)
        contact.name, contact.email, contact.phone = name.strip(), email, phone.strip()
        after = _contact_snapshot(contact)
        if after == before:
            return contact
        contact.save()
    _contact_change_record(
        account=account,
        actor=actor,
        kind=kind,
        before=before,
        after=after,
        params={"variant": "removed"} if not after else {"variant": "set", "email": after["email"]},
        request=request,
    )
    return contact


@transaction.atomic
def billing_contact_email_sync(*, user: User, old_email: str, new_email: str, request=None) -> int:
    """After a billing contact verified a new primary address, invoices go to it.

    Only billing-contact rows that held the user's previous address move, so a second billing
    contact's row is never taken over. Returns how many rows moved.
    """
    if not old_email or old_email.lower() == new_email.lower():
        return 0
    rows = AccountContact.objects.select_for_update().filter(
        kind=ContactKind.BILLING,
        email__iexact=old_email,
        account__memberships__user=user,
        account__memberships__role=Role.BILLING_CONTACT,
    )
    moved = 0
    for contact in rows:
        contact.email = new_email.lower()
        contact.save(update_fields=["email"])
        moved += 1
        _contact_change_record(
            account=contact.account,
            actor=user,
            kind=ContactKind.BILLING,
            before={"email": old_email},
            after={"email": new_email},
            params={"variant": "email_moved", "old_email": old_email, "email": new_email},
            request=request,
        )
    return moved
