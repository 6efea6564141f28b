from __future__ import annotations

import logging

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ResetPasswordForm
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import activity
from accounts.models import (
    AccountContact,
    ActivityEntry,
    BillingContactGrant,
    BillingContactGrantMode,
    ContactKind,
    CustomerAccount,
    Membership,
    Role,
    User,
)

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The caller's IP, as the sign-in rate limits see it: behind ALLAUTH_TRUSTED_PROXY_COUNT proxies of
    ours, the address the outermost of them appended to X-Forwarded-For (what the client wrote is not
    trusted); else REMOTE_ADDR."""
    if request is None:
        return None
    return get_account_adapter(request).get_client_ip(request) or None


def activity_record(
    *,
    account: CustomerAccount | None,
    actor: User | None,
    action: str,
    params: dict | None = None,
    summary: str = "",
    target: str = "",
    details: dict | None = None,
    request=None,
) -> ActivityEntry:
    """Append one entry to the account's activity log (who, what, when, from which IP).

    `action` is a code listed in accounts.activity.EVENTS and `params` the values its sentence needs
    (JSON: amounts as strings with a `currency`, dates in ISO form, roles and methods as codes); the
    sentence is written when the entry is read, in the reader's language. `summary` is free text kept
    only for codes that have no sentence.

    An entry by vendor staff is marked `by_vendor_support`: the customer sees "Vendor support" (and the
    reason, which the staff services put in the params), the admin sees which staff member.
    """
    real_actor = actor if actor is not None and actor.is_authenticated else None
    return ActivityEntry.objects.create(
        account=account,
        actor=real_actor,
        actor_email=real_actor.email if real_actor else "",
        by_vendor_support=bool(real_actor and real_actor.is_staff),
        action=action,
        params=params or {},
        summary=summary[:300],
        target=target[:120],
        details=details or {},
        ip_address=client_ip(request),
    )


@transaction.atomic
def accounts_claim_by_contract_email(*, user: User, email: str, request=None) -> list[CustomerAccount]:
    """A verified address equal to an account's contract email makes its owner the billing contact.

    Runs when an email address is confirmed; only accounts that have no member yet
    are claimed this way, so a contract email cannot take over a running team.
    """
    claimed = []
    accounts = CustomerAccount.objects.select_for_update().filter(contract_email__iexact=email)
    for account in accounts:
        if account.memberships.exists():
            continue
        try:
            with transaction.atomic():
                Membership.objects.create(user=user, account=account, role=Role.BILLING_CONTACT)
        except IntegrityError:
            continue
        activity_record(
            account=account,
            actor=user,
            action="account.claimed",
            params={"person": user.email},
            request=request,
        )
        claimed.append(account)
    return claimed


BILLING_SUPPORT_GROUP = "Billing support"
SUPPORT_APPS = ["notifications", "accounts", "invoices", "orders", "payments", "rewards", "support"]
SUPPORT_MAY_DELETE = {"membership", "accountcontact"}


def billing_support_group_ensure() -> None:
    """The staff group that works customer accounts in the admin: view, add and change what our apps hold.

    Deleting is limited to memberships and contacts: money rows are never deleted, a reversal is a new row.
    Run after every migration, so permissions of new models are granted too.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=BILLING_SUPPORT_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=SUPPORT_APPS).filter(
        Q(codename__startswith="view_")
        | Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename__in=[f"delete_{model}" for model in SUPPORT_MAY_DELETE])
    )
    wanted = wanted | Permission.objects.filter(
        content_type__app_label="accounts", codename__in=["view_user", "change_user"]
    )
    group.permissions.set(wanted.distinct())


# --- team: roles and members ---------------------------------------------------


class TeamError(Exception):
    """A team change that is refused; the message is safe to show to the user."""


class LastBillingContactError(TeamError):
    pass


def account_row_lock(account: CustomerAccount) -> CustomerAccount:
    """Every team change locks the account row first, so two concurrent changes cannot both remove
    what each believes is "another" billing contact."""
    return CustomerAccount.objects.select_for_update().get(pk=account.pk)


def _membership_lock(membership: Membership) -> tuple[CustomerAccount, Membership]:
    """The account row, then the membership row (with its user), both locked."""
    account = account_row_lock(membership.account)
    locked = Membership.objects.select_for_update(of=("self",)).select_related("user").get(pk=membership.pk)
    return account, locked


def _billing_contacts_besides(membership: Membership) -> int:
    return (
        Membership.objects.filter(account_id=membership.account_id, role=Role.BILLING_CONTACT)
        .exclude(pk=membership.pk)
        .count()
    )


def _forget_cached_role(user: User | None) -> None:
    if user is not None and hasattr(user, "_role_cache"):
        del user._role_cache


@transaction.atomic
def membership_role_change(*, actor: User, membership: Membership, role: str, request=None) -> Membership:
    """Give a member another role; the account always keeps at least one billing contact."""
    account, membership = _membership_lock(membership)
    role = Role(role)
    if membership.role == role:
        return membership
    if membership.role == Role.BILLING_CONTACT and _billing_contacts_besides(membership) == 0:
        raise LastBillingContactError(
            _("%(email)s is the account's only billing contact. Make someone else billing contact first.")
            % {"email": membership.user.email}
        )
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _forget_cached_role(membership.user)
    _forget_cached_role(actor)
    activity_record(
        account=account,
        actor=actor,
        action=activity.MEMBER_ROLE_CHANGED,
        params={"email": membership.user.email, "from_role": str(old_role), "to_role": str(role)},
        target=membership.user.email,
        details={"from": old_role, "to": str(role), "user_id": membership.user_id},
        request=request,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership, request=None) -> None:
    """Take a member's access away; the last billing contact cannot be removed."""
    account, membership = _membership_lock(membership)
    if membership.role == Role.BILLING_CONTACT and _billing_contacts_besides(membership) == 0:
        raise LastBillingContactError(
            _("%(email)s is the account's only billing contact and cannot be removed.")
            % {"email": membership.user.email}
        )
    email, role, user_id = membership.user.email, membership.role, membership.user_id
    membership.delete()
    _forget_cached_role(actor)
    activity_record(
        account=account,
        actor=actor,
        action=activity.MEMBER_REMOVED,
        params={"email": email, "role": str(role)},
        target=email,
        details={"role": role, "user_id": user_id},
        request=request,
    )


# --- support staff ---------------------------------------------------------------


@transaction.atomic
def billing_contact_grant(
    *,
    staff: User,
    account: CustomerAccount,
    user: User,
    mode: str,
    reason: str,
    remove_previous: bool = False,
    request=None,
) -> BillingContactGrant:
    """Support gives the billing-contact role on the customer's behalf (its billing contact left).

    `grant` adds a billing contact. `transfer` hands the role over: the previous billing contacts stay
    on the team as payers, or lose their access if staff chose `remove_previous`; and the invoice email
    address (the billing AccountContact) is to move to the new contact, who confirms it on the Contacts
    page (contact_billing_update). The reason is required and kept with the grant and in the log.
    """
    reason = reason.strip()
    if not reason:
        raise TeamError(_("A reason is required."))
    if user.is_staff:
        raise TeamError(_("Vendor staff cannot be members of a customer account."))
    mode = BillingContactGrantMode(mode)
    account = account_row_lock(account)
    previous = list(
        Membership.objects.select_for_update()
        .filter(account=account, role=Role.BILLING_CONTACT)
        .exclude(user=user)
        .select_related("user")
    )
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user=user, account=account, defaults={"role": Role.BILLING_CONTACT, "invited_by": staff}
    )
    if membership.role != Role.BILLING_CONTACT:
        membership.role = Role.BILLING_CONTACT
        membership.save(update_fields=["role"])
    transfer = mode == BillingContactGrantMode.TRANSFER
    remove_previous = transfer and remove_previous
    if transfer:
        previous_ids = [m.pk for m in previous]
        if remove_previous:
            Membership.objects.filter(pk__in=previous_ids).delete()
        else:
            Membership.objects.filter(pk__in=previous_ids).update(role=Role.PAYER)
        for kept in previous:
            _forget_cached_role(kept.user)
    grant = BillingContactGrant.objects.create(
        account=account,
        user=user,
        mode=mode,
        previous_billing_contacts=[m.user.email for m in previous],
        previous_removed=remove_previous,
        reason=reason,
        staff=staff,
    )
    _forget_cached_role(user)
    params: dict = {"email": user.email, "reason": reason}
    if transfer and previous:
        params.update(
            variant="removed" if remove_previous else "kept", previous=grant.previous_billing_contacts
        )
    activity_record(
        account=account,
        actor=staff,
        action=activity.BILLING_CONTACT_TRANSFERRED if transfer else activity.BILLING_CONTACT_GRANTED,
        params=params,
        target=user.email,
        details={
            "mode": str(mode),
            "reason": reason,
            "previous": grant.previous_billing_contacts,
            "previous_removed": remove_previous,
            "grant_id": grant.pk,
        },
        request=request,
    )
    billing = AccountContact.objects.filter(account=account, kind=ContactKind.BILLING).first()
    if transfer and billing is not None and billing.email.lower() != user.email.lower():
        activity_record(
            account=account,
            actor=staff,
            action=activity.BILLING_EMAIL_HANDOVER_ASKED,
            params={"email": user.email, "old_email": billing.email},
            target=user.email,
            details={"grant_id": grant.pk},
            request=request,
        )
    return grant


def user_password_reset_send(*, staff: User, user: User, request) -> None:
    """Support's answer to "I cannot sign in": the customer's own password-reset email.

    The same email as "Forgot your password?" (allauth's), in the customer's language: the link lets
    them choose a new password; support never sets, sees or learns one. Recorded on each of their
    accounts' activity logs.
    """
    if not user.is_active:
        raise TeamError(_("%(email)s is deactivated: no reset email is sent.") % {"email": user.email})
    with translation.override(user.language):
        form = ResetPasswordForm(data={"email": user.email})
        if not form.is_valid():
            raise TeamError(_("No reset email could be sent to %(email)s.") % {"email": user.email})
        form.save(request)
    for account in CustomerAccount.objects.filter(memberships__user=user):
        activity_record(
            account=account,
            actor=staff,
            action=activity.PASSWORD_RESET_SENT_BY_SUPPORT,
            params={"email": user.email},
            target=user.email,
            details={"user_id": user.pk},
            request=request,
        )
