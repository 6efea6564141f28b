"""Support staff grant or transfer the billing-contact role in the admin, with a required reason."""

import pytest
from django.urls import reverse

from accounts.models import ActivityEntry, BillingContactGrant, Membership, Role
from tests.factories import UserFactory, staff_sign_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = staff_user(email="support@vendor.test")
    staff_sign_in(client, user)
    return user


def url(account):
    return reverse("admin:accounts_customeraccount_billing_contact", args=[account.pk])


def test_staff_transfer_the_billing_contact_role_with_the_reason_recorded(
    client, staff, account, billing_contact
):
    successor = UserFactory(email="successor@example.test")
    response = client.post(
        url(account),
        {
            "email": successor.email,
            "mode": "transfer",
            "remove_previous": "on",
            "reason": "Ticket 4411: Alice left",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(account=account, user=successor).role == Role.BILLING_CONTACT
    assert not Membership.objects.filter(account=account, user=billing_contact).exists()
    grant = BillingContactGrant.objects.get(account=account)
    assert (grant.staff, grant.reason, grant.previous_billing_contacts) == (
        staff,
        "Ticket 4411: Alice left",
        [billing_contact.email],
    )
    assert grant.previous_removed
    entry = ActivityEntry.objects.get(account=account, action="billing_contact.transferred_by_staff")
    assert entry.actor == staff and entry.details["reason"] == "Ticket 4411: Alice left"
    assert entry.sentence == (
        f"Vendor support transferred the billing contact role to {successor.email}; "
        f"{billing_contact.email} were removed from the team: Ticket 4411: Alice left"
    )


# --- issue 11, item 6: a transfer keeps the previous contact as a payer and moves the billing email ----


def test_a_transfer_and_back_keeps_both_people_on_the_team(client, staff, account, billing_contact, payer):
    client.post(
        url(account), {"email": payer.email, "mode": "transfer", "reason": "Ticket 1: Paul takes over"}
    )
    roles = dict(Membership.objects.filter(account=account).values_list("user__email", "role"))
    assert roles == {payer.email: Role.BILLING_CONTACT, billing_contact.email: Role.PAYER}
    client.post(
        url(account), {"email": billing_contact.email, "mode": "transfer", "reason": "Ticket 2: back"}
    )
    roles = dict(Membership.objects.filter(account=account).values_list("user__email", "role"))
    assert roles == {billing_contact.email: Role.BILLING_CONTACT, payer.email: Role.PAYER}
    entry = ActivityEntry.objects.filter(
        account=account, action="billing_contact.transferred_by_staff"
    ).first()
    assert entry.params["variant"] == "kept" and not BillingContactGrant.objects.filter(previous_removed=True)
    assert f"{payer.email} stay as payers" in entry.sentence


def test_the_billing_email_moves_with_the_role_once_the_new_contact_confirms(
    client, staff, account, billing_contact, payer
):
    from django.test import Client

    from accounts.models import AccountContact, ContactKind

    AccountContact.objects.update_or_create(
        account=account, kind=ContactKind.BILLING, defaults={"email": billing_contact.email}
    )
    client.post(url(account), {"email": payer.email, "mode": "transfer", "reason": "Ticket 3"})
    asked = ActivityEntry.objects.get(account=account, action="billing_contact.email_handover_asked")
    assert asked.params == {"email": payer.email, "old_email": billing_contact.email}
    # Until the new contact confirms, invoices still go to the previous address.
    assert (
        AccountContact.objects.get(account=account, kind=ContactKind.BILLING).email == billing_contact.email
    )

    new_contact = Client()
    new_contact.force_login(payer)
    page = new_contact.get(reverse("team_contacts")).content.decode()
    assert f"Invoices currently go to {billing_contact.email}" in page
    response = new_contact.post(reverse("team_contacts"), {"contact": "billing", "billing-name": "Paul Ayer"})
    assert response.status_code in (200, 302)
    assert AccountContact.objects.get(account=account, kind=ContactKind.BILLING).email == payer.email
    moved = ActivityEntry.objects.filter(account=account, action="contact.changed").latest("id")
    assert moved.params["variant"] == "email_moved"
    assert moved.params["old_email"] == billing_contact.email and moved.params["email"] == payer.email


def test_the_admin_message_names_the_new_contact_cleanly(client, staff, account, billing_contact, payer):
    account.legal_name = "Acme Industries Inc."
    account.save(update_fields=["legal_name"])
    response = client.post(
        url(account), {"email": payer.email, "mode": "transfer", "reason": "Ticket 5"}, follow=True
    )
    body = response.content.decode()
    assert f"New billing contact of “Acme Industries Inc.”: {payer.email}" in body
    assert "Inc.." not in body


def test_staff_grant_keeps_the_current_billing_contacts(client, staff, account, billing_contact, viewer):
    client.post(url(account), {"email": viewer.email, "mode": "grant", "reason": "Second approver requested"})
    roles = dict(Membership.objects.filter(account=account).values_list("user__email", "role"))
    assert roles[viewer.email] == Role.BILLING_CONTACT
    assert roles[billing_contact.email] == Role.BILLING_CONTACT


def test_the_reason_is_required(client, staff, account, billing_contact):
    successor = UserFactory()
    response = client.post(url(account), {"email": successor.email, "mode": "transfer", "reason": "   "})
    assert response.status_code == 200
    assert (
        "This field is required" in response.content.decode()
        or "A reason is required" in response.content.decode()
    )
    assert not BillingContactGrant.objects.exists()
    assert not Membership.objects.filter(user=successor).exists()


def test_the_new_billing_contact_must_have_a_verified_sign_in(client, staff, account):
    response = client.post(url(account), {"email": "nobody@example.test", "mode": "grant", "reason": "Left"})
    assert "Ask them to sign up first" in response.content.decode()
    assert not BillingContactGrant.objects.exists()


def test_the_account_admin_page_links_to_the_grant_form(client, staff, account, billing_contact):
    body = client.get(reverse("admin:accounts_customeraccount_change", args=[account.pk])).content.decode()
    assert url(account) in body
    assert billing_contact.email in body


def test_customers_cannot_reach_the_grant_form(client_of, billing_contact, account):
    response = client_of(billing_contact).post(
        url(account), {"email": billing_contact.email, "mode": "grant", "reason": "me"}
    )
    assert response.status_code == 302
    assert not BillingContactGrant.objects.exists()


def test_staff_without_the_support_group_are_refused(client, account):
    staff_sign_in(client, staff_user(support_group=False))
    assert client.get(url(account)).status_code == 403


def test_the_grant_form_lists_current_billing_contacts_and_earlier_grants(
    client, staff, account, billing_contact
):
    successor = UserFactory(email="second@example.test")
    client.post(url(account), {"email": successor.email, "mode": "grant", "reason": "Ticket 77"})
    body = client.get(url(account)).content.decode()
    assert billing_contact.email in body and "second@example.test" in body
    assert "Ticket 77" in body
    assert "invite and remove team members" in body  # what the role lets them do


def test_staff_see_invitations_and_grants_read_only(client, staff, account, billing_contact):
    from accounts.models import Invitation

    Invitation.objects.create(
        account=account, email="x@example.test", nonce="n-admin", invited_by=billing_contact
    )
    body = client.get(reverse("admin:accounts_invitation_changelist")).content.decode()
    assert "x@example.test" in body and "Pending" in body
    assert client.get(reverse("admin:accounts_billingcontactgrant_add")).status_code == 403
