"""Issue 10, item 1: support staff can neither raise their own privileges nor take over a customer.

Signed in as a "Billing support" staff member (the demo's support@vendor.example), the user admin lets
them change names and send the customer's own password-reset email; passwords, email addresses,
staff/superuser flags, groups and permissions are for superusers only, and what support does on an
account is in that account's activity log as "Vendor support".
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import ActivityEntry, Role, User
from accounts.services import BILLING_SUPPORT_GROUP, billing_support_group_ensure
from tests.factories import PASSWORD, MembershipFactory, UserFactory, staff_sign_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    user = staff_user(email="support@vendor.example")
    staff_sign_in(client, user)
    return user


@pytest.fixture
def ap(account):
    return MembershipFactory(
        account=account, role=Role.BILLING_CONTACT, user=UserFactory(email="ap@acme.example")
    ).user


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def full_change_form(user, **overrides):
    """Every field the user admin's change form had on today's main, as a browser would post it."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": "en",
        "is_active": "on",
        "last_login_0": "2026-01-05",
        "last_login_1": "10:00:00",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_support_cannot_make_themselves_superuser(client, support):
    client.post(change_url(support), full_change_form(support, is_staff="on", is_superuser="on"))
    support.refresh_from_db()
    assert not support.is_superuser
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_support_cannot_set_a_customers_password(client, support, ap):
    response = client.post(
        reverse("admin:auth_user_password_change", args=[ap.pk]),
        {"password1": "Attacker-chosen-42!", "password2": "Attacker-chosen-42!", "usable_password": "true"},
    )
    assert response.status_code == 403
    ap.refresh_from_db()
    assert ap.check_password(PASSWORD)
    assert "/password/" not in client.get(change_url(ap)).content.decode()  # no link to that form either


def test_support_cannot_give_admin_rights_groups_or_change_the_sign_in_address(client, support, ap):
    group = Group.objects.get(name=BILLING_SUPPORT_GROUP)
    response = client.post(
        change_url(ap),
        full_change_form(
            ap,
            email="attacker@evil.example",
            first_name="Annie",
            is_staff="on",
            is_superuser="on",
            groups=[group.pk],
        ),
    )
    assert response.status_code == 302
    ap.refresh_from_db()
    assert ap.first_name == "Annie"  # what support may correct
    assert (ap.email, ap.is_staff, ap.is_superuser) == ("ap@acme.example", False, False)
    assert not ap.groups.exists() and not ap.user_permissions.exists()


def test_support_cannot_change_another_staff_member(client, support):
    superuser = staff_user(superuser=True, support_group=False, email="root@vendor.example")
    response = client.post(
        change_url(superuser), full_change_form(superuser, email="support2@vendor.example")
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@vendor.example"


def test_support_cannot_create_users_who_reach_the_admin(client, support):
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "helper@evil.example",
            "password1": "Attacker-chosen-42!",
            "password2": "Attacker-chosen-42!",
            "usable_password": "true",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    created = User.objects.filter(email="helper@evil.example").first()
    if created is not None:
        assert not created.is_staff and not created.is_superuser
        assert not created.has_usable_password()  # they choose it themselves, through the reset email


def test_support_sends_the_customers_own_password_reset_email(client, support, ap, account):
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [ap.pk]},
    )
    assert response.status_code == 302
    (email,) = [m for m in mail.outbox if m.to == ["ap@acme.example"]]
    assert re.search(r"/account/password/reset/key/[^\s]+", email.body)
    ap.refresh_from_db()
    assert ap.check_password(PASSWORD)  # nothing changes until the customer follows their link
    entry = ActivityEntry.objects.get(account=account, action="support.password_reset_sent")
    assert entry.by_vendor_support and entry.actor == support


def test_a_superuser_still_manages_staff(client):
    root = staff_user(superuser=True, support_group=False)
    newcomer = UserFactory()
    staff_sign_in(client, root)
    billing_support_group_ensure()
    group = Group.objects.get(name=BILLING_SUPPORT_GROUP)
    client.post(change_url(newcomer), full_change_form(newcomer, is_staff="on", groups=[group.pk]))
    newcomer.refresh_from_db()
    assert newcomer.is_staff and newcomer.groups.filter(pk=group.pk).exists()


# --- the customer's activity log ------------------------------------------------------------------


def test_support_actions_show_as_vendor_support_with_the_reason(client, support, ap, account):
    successor = UserFactory(email="successor@acme.example")
    client.post(
        reverse("admin:accounts_customeraccount_billing_contact", args=[account.pk]),
        {"email": successor.email, "mode": "grant", "reason": "Ticket 4411: AP asked for a second approver"},
    )
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [ap.pk]},
    )
    client.logout()
    client.force_login(ap)
    body = client.get(reverse("team_activity")).content.decode()
    assert "Vendor support" in body
    assert "Ticket 4411: AP asked for a second approver" in body
    assert "support@vendor.example" not in body  # the staff member's address is not shown to customers
    export = client.get(reverse("team_activity_export")).content.decode()
    assert "Vendor support" in export and "support@vendor.example" not in export
    filtered = client.get(reverse("team_activity"), {"actor": "vendor-support"}).content.decode()
    assert "Ticket 4411" in filtered


def test_vendor_support_is_translated_for_french_customers(client, support, ap, account):
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [ap.pk]},
    )
    client.logout()
    client.force_login(ap)
    body = client.get(reverse("team_activity"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Support éditeur" in body


def test_an_invoice_resent_by_support_is_in_the_activity_log(client, support, account):
    from tests.invoices.factories import InvoiceFactory

    invoice = InvoiceFactory(account=account)
    client.post(
        reverse("admin:invoices_invoice_changelist"),
        {"action": "resend_selected", "_selected_action": [invoice.pk]},
    )
    entry = ActivityEntry.objects.get(account=account, action="invoice.resent")
    assert entry.by_vendor_support and invoice.number in entry.sentence


def test_support_changes_to_a_membership_are_in_the_activity_log(client, support, account, viewer):
    membership = viewer.memberships.get(account=account)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": viewer.pk, "account": account.pk, "role": Role.PAYER},
    )
    assert response.status_code == 302
    entry = ActivityEntry.objects.get(account=account, action="support.admin_changed")
    assert entry.by_vendor_support and viewer.email in entry.sentence


def test_an_invoice_cancelled_by_support_shows_the_reason_to_the_customer(client, support, ap, account):
    from tests.invoices.factories import InvoiceFactory

    invoice = InvoiceFactory(account=account)
    client.post(
        reverse("admin:invoices_invoice_changelist"),
        {
            "action": "cancel_selected",
            "confirm": "1",
            "_selected_action": [invoice.pk],
            "reason": "Ticket 5120: duplicate of another invoice",
        },
    )
    entry = ActivityEntry.objects.get(account=account, action="invoice.cancelled")
    assert entry.by_vendor_support
    client.logout()
    client.force_login(ap)
    body = client.get(reverse("team_activity")).content.decode()
    assert "Ticket 5120: duplicate of another invoice" in body and "Vendor support" in body


def test_the_activity_log_records_the_clients_address_behind_the_load_balancer(settings, client, ap, account):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("account_login"),
        {"login": ap.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.77",
        REMOTE_ADDR="172.18.0.5",
    )
    entry = ActivityEntry.objects.get(account=account, action="auth.signed_in")
    assert entry.ip_address == "198.51.100.77" and not entry.by_vendor_support
