"""Each role's allowed and refused actions, decided by the rules in accounts/permissions.py."""

import pytest

from accounts.models import Role
from accounts.permissions import ROLE_ABILITIES

pytestmark = pytest.mark.django_db

EXPECTED = {
    "viewer": {"view_account", "download_documents"},
    "payer": {"view_account", "download_documents", "pay", "redeem_rewards"},
    "billing_contact": {
        "view_account",
        "download_documents",
        "pay",
        "redeem_rewards",
        "manage_team",
        "manage_contacts",
        "view_activity",
    },
}
ALL = EXPECTED["billing_contact"]


@pytest.mark.parametrize("role", ["viewer", "payer", "billing_contact"])
def test_each_role_may_do_exactly_its_actions(role, account):
    from tests.factories import MembershipFactory

    user = MembershipFactory(account=account, role=role).user
    allowed = {perm for perm in ALL if user.has_perm(f"accounts.{perm}", account)}
    assert allowed == EXPECTED[role]


def test_a_member_has_no_rights_on_another_account(billing_contact, other_account):
    assert not any(billing_contact.has_perm(f"accounts.{perm}", other_account) for perm in ALL)


def test_every_role_is_described_for_the_people_choosing_it():
    assert set(ROLE_ABILITIES) == set(Role)
    assert all(str(text) for text in ROLE_ABILITIES.values())
