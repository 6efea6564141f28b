from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts import activity
from accounts.models import (
    AccountContact,
    AccountRepresentative,
    ActivityEntry,
    ContactKind,
    CustomerAccount,
    Invitation,
    Membership,
    Role,
    User,
)


def accounts_for_user(*, user: User) -> QuerySet[CustomerAccount]:
    if not user.is_authenticated:
        return CustomerAccount.objects.none()
    return CustomerAccount.objects.filter(memberships__user=user).order_by("legal_name")


def accounts_with_role_for_user(*, user: User) -> list[CustomerAccount]:
    """The user's accounts by name, each with the user's role on it in `member_role`: one query for the
    header's account switcher, the current account and the permission checks of a page."""
    return list(accounts_for_user(user=user).annotate(member_role=F("memberships__role")))


def account_for_user(*, user: User, account_id: int) -> CustomerAccount:
    """The account if the user is a member of it; a 404 otherwise, so another account's id leaks nothing."""
    return get_object_or_404(accounts_for_user(user=user), pk=account_id)


def membership_for_user(*, user: User, account: CustomerAccount) -> Membership | None:
    return Membership.objects.filter(user=user, account=account).first()


# --- team ---------------------------------------------------------------------------


def team_members(*, account: CustomerAccount) -> QuerySet[Membership]:
    role_order = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(Role.values)), output_field=IntegerField()
    )
    return (
        Membership.objects.filter(account=account)
        .select_related("user", "invited_by")
        .order_by(role_order, "user__email")
    )


def team_open_invitations(*, account: CustomerAccount) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked: pending, or expired and waiting for a resend."""
    return (
        Invitation.objects.filter(account=account, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("expires_at")
    )


def team_membership_for_user(*, user: User, membership_id: int) -> Membership:
    """A membership of one of the user's accounts (404 otherwise); whether they may change it is a perm."""
    return get_object_or_404(
        Membership.objects.select_related("user", "account", "invited_by"),
        pk=membership_id,
        account__in=accounts_for_user(user=user),
    )


def team_invitation_for_user(*, user: User, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("account", "invited_by"),
        pk=invitation_id,
        account__in=accounts_for_user(user=user),
    )


def billing_contacts_of(*, account: CustomerAccount) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(account=account, role=Role.BILLING_CONTACT)
        .select_related("user")
        .order_by("user__email")
    ]


def billing_contact_emails(*, account: CustomerAccount) -> list[str]:
    """Who receives payment and rewards emails: the billing contact on file, else the members with the
    billing contact role, else the contract email."""
    contact = AccountContact.objects.filter(account=account, kind=ContactKind.BILLING).first()
    if contact is not None:
        return [contact.email]
    members = list(
        account.memberships.filter(role=Role.BILLING_CONTACT)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return members or [account.contract_email]


def account_contacts(*, account: CustomerAccount) -> dict[str, AccountContact]:
    return {contact.kind: contact for contact in AccountContact.objects.filter(account=account)}


# --- activity -------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilters:
    kind: str = ""
    action: str = ""
    actor: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def activity_for_account(*, account: CustomerAccount, filters: ActivityFilters) -> QuerySet[ActivityEntry]:
    entries = ActivityEntry.objects.filter(account=account).order_by("-created_at", "-id")
    if filters.kind:
        entries = entries.filter(action__in=activity.actions_of_kind(filters.kind))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor == activity.VENDOR_SUPPORT:
        entries = entries.filter(by_vendor_support=True)
    elif filters.actor:
        entries = entries.filter(actor_email__iexact=filters.actor, by_vendor_support=False)
    if filters.date_from:
        entries = entries.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(created_at__date__lte=filters.date_to)
    return entries


def activity_actions(*, account: CustomerAccount) -> list[str]:
    return list(
        ActivityEntry.objects.filter(account=account)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def activity_kinds(*, account: CustomerAccount) -> list[str]:
    """The kinds of event the account's log holds, in the order accounts.activity lists them."""
    present = {activity.action_kind(action) for action in activity_actions(account=account)}
    return [kind for kind in activity.KIND_LABELS if kind in present]


def activity_actors(*, account: CustomerAccount) -> list[str]:
    """The Person filter's choices: the team members who acted, then "vendor support" if staff did.

    Staff members' own addresses are never listed to customers.
    """
    entries = ActivityEntry.objects.filter(account=account)
    members = list(
        entries.filter(by_vendor_support=False)
        .exclude(actor_email="")
        .order_by("actor_email")
        .values_list("actor_email", flat=True)
        .distinct()
    )
    by_support = entries.filter(by_vendor_support=True).exists()
    return members + ([activity.VENDOR_SUPPORT] if by_support else [])


def account_representatives(*, account: CustomerAccount) -> list[AccountRepresentative]:
    """Who to talk to at the vendor (collector, account manager), as billing support keeps them."""
    return list(AccountRepresentative.objects.filter(account=account).order_by("role"))
