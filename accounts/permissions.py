"""What each role may do, as `rules` predicates: the one place that decides access.

Every permission is checked against a CustomerAccount:
viewer (see and download) < payer (also pay and redeem rewards) < billing contact
(also manage the team and the contacts).
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

ROLES_THAT_MAY_PAY = {Role.BILLING_CONTACT, Role.PAYER}


def role_of(user, account) -> str | None:
    if user is None or not user.is_authenticated or account is None:
        return None
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = user._role_cache = {}
    if account.pk not in cache:
        cache[account.pk] = account.memberships.filter(user_id=user.pk).values_list("role", flat=True).first()
    return cache[account.pk]


@rules.predicate
def is_member(user, account) -> bool:
    return role_of(user, account) is not None


@rules.predicate
def is_payer(user, account) -> bool:
    return role_of(user, account) in ROLES_THAT_MAY_PAY


@rules.predicate
def is_billing_contact(user, account) -> bool:
    return role_of(user, account) == Role.BILLING_CONTACT


rules.add_perm("accounts.view_account", is_member)
rules.add_perm("accounts.download_documents", is_member)
rules.add_perm("accounts.pay", is_payer)
rules.add_perm("accounts.redeem_rewards", is_payer)
rules.add_perm("accounts.manage_team", is_billing_contact)
rules.add_perm("accounts.manage_contacts", is_billing_contact)
rules.add_perm("accounts.view_activity", is_billing_contact)


# What each role may do, in words: shown wherever a role is chosen or changed (invite, role change,
# staff grant, invitation email). Keep in step with the perms above.
ROLE_ABILITIES = {
    Role.VIEWER: _("See invoices, payments, orders and rewards, and download invoices and documents."),
    Role.PAYER: _(
        "Everything a viewer can do, and also pay invoices and redeem Support Rewards against support invoices."
    ),
    Role.BILLING_CONTACT: _(
        "Everything a payer can do, and also invite and remove team members, change their roles, "
        "update the billing contacts and read the account's activity log."
    ),
}


def role_abilities(role: str) -> str:
    return str(ROLE_ABILITIES[Role(role)])
