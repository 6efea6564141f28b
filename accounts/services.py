from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from accounts.models import ActivityEntry, CustomerAccount, Membership, Role, User

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def activity_record(
    *,
    account: CustomerAccount | None,
    actor: User | None,
    action: str,
    summary: str,
    target: str = "",
    details: dict | None = None,
    request=None,
) -> ActivityEntry:
    """Append one entry to the account's activity log (who, what, when, from which IP)."""
    real_actor = actor if actor is not None and actor.is_authenticated else None
    return ActivityEntry.objects.create(
        account=account,
        actor=real_actor,
        actor_email=real_actor.email if real_actor else "",
        action=action,
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
            summary=f"{user.email} became billing contact by verifying the contract email",
            request=request,
        )
        claimed.append(account)
    return claimed


BILLING_SUPPORT_GROUP = "Billing support"
SUPPORT_APPS = ["accounts", "invoices", "payments", "rewards"]
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
