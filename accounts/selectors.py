from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CustomerAccount, Membership, User


def accounts_for_user(*, user: User) -> QuerySet[CustomerAccount]:
    if not user.is_authenticated:
        return CustomerAccount.objects.none()
    return CustomerAccount.objects.filter(memberships__user=user).order_by("legal_name")


def account_for_user(*, user: User, account_id: int) -> CustomerAccount:
    """The account if the user is a member of it; a 404 otherwise, so another account's id leaks nothing."""
    return get_object_or_404(accounts_for_user(user=user), pk=account_id)


def membership_for_user(*, user: User, account: CustomerAccount) -> Membership | None:
    return Membership.objects.filter(user=user, account=account).first()
