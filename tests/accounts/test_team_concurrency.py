"""Two billing contacts removing each other at the same moment: the account keeps one (row lock)."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import Membership, Role
from tests.factories import CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_removals_never_leave_an_account_without_billing_contact():
    account = CustomerAccountFactory()
    first = MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    second = MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(actor_membership, target_membership):
        try:
            barrier.wait(timeout=10)
            services.membership_remove(actor=actor_membership.user, membership=target_membership)
            outcomes.append("removed")
        except services.LastBillingContactError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=remove, args=(first, second)),
        threading.Thread(target=remove, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "removed"]
    assert Membership.objects.filter(account=account, role=Role.BILLING_CONTACT).count() == 1


def test_concurrent_demotions_never_leave_an_account_without_billing_contact():
    account = CustomerAccountFactory()
    first = MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    second = MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(actor_membership, target_membership):
        try:
            barrier.wait(timeout=10)
            services.membership_role_change(
                actor=actor_membership.user, membership=target_membership, role=Role.VIEWER
            )
            outcomes.append("demoted")
        except services.LastBillingContactError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["demoted", "refused"]
    assert Membership.objects.filter(account=account, role=Role.BILLING_CONTACT).count() == 1
