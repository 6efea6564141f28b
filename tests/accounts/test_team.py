"""Team page: members, roles, removal, confirmation steps, the last-billing-contact rule, who may do what."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import ActivityEntry, Invitation, Membership, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def membership(user, account):
    return Membership.objects.get(user=user, account=account)


def test_team_page_shows_role_inviter_joined_and_last_sign_in(client_of, billing_contact, account, invite):
    teammate = MembershipFactory(account=account, role=Role.PAYER, invited_by=billing_contact).user
    invite(actor=billing_contact, account=account, email="pending@example.test")
    body = client_of(billing_contact).get(reverse("team")).content.decode()
    assert teammate.email in body
    assert "Payer" in body
    assert f'<td data-label="Invited by">{billing_contact.email}</td>' in body
    assert "Never" in body  # the teammate never signed in
    assert "pending@example.test" in body  # pending invitation with its expiry
    assert 'href="/team/contacts/"' in body and 'href="/team/activity/"' in body


@pytest.mark.parametrize("role", ["payer", "viewer"])
def test_only_the_billing_contact_may_open_the_team_page(client_of, account, billing_contact, role):
    user = MembershipFactory(account=account, role=role).user
    response = client_of(user).get(reverse("team"))
    assert response.status_code == 403
    assert billing_contact.email in response.content.decode()  # says whom to ask


def test_a_role_change_asks_for_confirmation_and_says_what_they_will_be_able_to_do(
    client_of, billing_contact, viewer, account
):
    target = membership(viewer, account)
    response = client_of(billing_contact).post(
        reverse("team_member_role", args=[target.pk]), {"role": "payer"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirmed" value="1"' in body
    assert "pay invoices" in body
    target.refresh_from_db()
    assert target.role == Role.VIEWER  # nothing changed before the confirmation


def test_a_confirmed_role_change_is_applied_and_logged(client_of, billing_contact, viewer, account):
    target = membership(viewer, account)
    response = client_of(billing_contact).post(
        reverse("team_member_role", args=[target.pk]), {"role": "payer", "confirmed": "1"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.PAYER
    entry = ActivityEntry.objects.get(account=account, action="member.role_changed")
    assert entry.actor == billing_contact
    assert entry.details["from"] == "viewer" and entry.details["to"] == "payer"
    assert entry.ip_address == "127.0.0.1"


def test_the_last_billing_contact_cannot_be_demoted(billing_contact, account):
    with pytest.raises(services.LastBillingContactError):
        services.membership_role_change(
            actor=billing_contact, membership=membership(billing_contact, account), role=Role.VIEWER
        )
    assert membership(billing_contact, account).role == Role.BILLING_CONTACT


def test_the_last_billing_contact_cannot_be_removed(billing_contact, account):
    with pytest.raises(services.LastBillingContactError):
        services.membership_remove(actor=billing_contact, membership=membership(billing_contact, account))
    assert Membership.objects.filter(user=billing_contact, account=account).exists()


def test_the_last_billing_contact_rule_is_enforced_on_the_page_too(client_of, billing_contact, account):
    own = membership(billing_contact, account)
    client = client_of(billing_contact)
    response = client.post(reverse("team_member_remove", args=[own.pk]), {"confirmed": "1"}, follow=True)
    assert "only billing contact" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not ActivityEntry.objects.filter(action="member.removed").exists()


def test_with_two_billing_contacts_one_may_step_down(billing_contact, account):
    second = MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    services.membership_role_change(actor=billing_contact, membership=second, role=Role.VIEWER)
    second.refresh_from_db()
    assert second.role == Role.VIEWER
    with pytest.raises(services.LastBillingContactError):
        services.membership_role_change(
            actor=billing_contact, membership=membership(billing_contact, account), role=Role.PAYER
        )


def test_removing_a_member_asks_confirmation_then_removes_and_logs(
    client_of, billing_contact, payer, account
):
    target = membership(payer, account)
    client = client_of(billing_contact)
    page = client.get(reverse("team_member_remove", args=[target.pk]))
    assert "will lose access" in page.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()
    response = client.post(reverse("team_member_remove", args=[target.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert ActivityEntry.objects.filter(account=account, action="member.removed", target=payer.email).exists()


def test_a_removed_member_loses_access_at_once(client_of, client, billing_contact, viewer, account):
    services.membership_remove(actor=billing_contact, membership=membership(viewer, account))
    body = client_of(viewer).get(reverse("dashboard")).content.decode()
    assert 'data-testid="no-access"' in body


def test_the_invite_step_confirms_the_role_before_sending(client_of, billing_contact, account):
    response = client_of(billing_contact).post(
        reverse("team_invite"), {"email": "x@example.test", "role": "viewer"}
    )
    body = response.content.decode()
    assert "Send this invitation?" in body
    assert "download invoices" in body
    assert not Invitation.objects.exists()


def test_an_invalid_invite_keeps_the_input_and_shows_the_error(client_of, billing_contact):
    response = client_of(billing_contact).post(
        reverse("team_invite"), {"email": "not-an-email", "role": "payer"}
    )
    body = response.content.decode()
    assert 'value="not-an-email"' in body
    assert "Enter a valid email address" in body
    assert 'value="payer" aria-describedby="role-payer-help" checked' in body


def test_resend_and_revoke_ask_for_confirmation(client_of, billing_contact, account, invite, committed):
    invitation = invite(actor=billing_contact, account=account)
    client = client_of(billing_contact)
    assert (
        "Send the invitation again?"
        in client.get(reverse("team_invitation_resend", args=[invitation.pk])).content.decode()
    )
    assert (
        "Revoke this invitation?"
        in client.get(reverse("team_invitation_revoke", args=[invitation.pk])).content.decode()
    )
    with committed():
        client.post(reverse("team_invitation_resend", args=[invitation.pk]), {"confirmed": "1"})
    client.post(reverse("team_invitation_revoke", args=[invitation.pk]), {"confirmed": "1"})
    invitation.refresh_from_db()
    assert invitation.send_count == 2 and invitation.revoked_at is not None
    actions = set(ActivityEntry.objects.filter(account=account).values_list("action", flat=True))
    assert {"invitation.sent", "invitation.resent", "invitation.revoked"} <= actions


def test_another_accounts_member_is_404(client_of, billing_contact, outsider, other_account):
    target = membership(outsider, other_account)
    client = client_of(billing_contact)
    assert client.get(reverse("team_member_role", args=[target.pk])).status_code == 404
    assert client.post(reverse("team_member_remove", args=[target.pk]), {"confirmed": "1"}).status_code == 404
    assert Membership.objects.filter(pk=target.pk).exists()


def test_another_accounts_invitation_is_404(client_of, billing_contact, outsider, other_account, invite):
    invitation = invite(actor=outsider, account=other_account)
    client = client_of(billing_contact)
    response = client.post(reverse("team_invitation_revoke", args=[invitation.pk]), {"confirmed": "1"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("role", ["payer", "viewer"])
def test_members_who_are_not_billing_contact_are_refused_team_changes(
    client_of, account, billing_contact, role
):
    actor = MembershipFactory(account=account, role=role).user
    target = membership(billing_contact, account)
    client = client_of(actor)
    assert (
        client.post(
            reverse("team_member_role", args=[target.pk]), {"role": "viewer", "confirmed": "1"}
        ).status_code
        == 403
    )
    assert client.post(reverse("team_member_remove", args=[target.pk]), {"confirmed": "1"}).status_code == 403
    assert (
        client.post(
            reverse("team_invite"), {"email": "a@b.test", "role": "billing_contact", "confirmed": "1"}
        ).status_code
        == 403
    )
    target.refresh_from_db()
    assert target.role == Role.BILLING_CONTACT
    assert not Invitation.objects.exists()


def test_a_billing_contact_of_one_account_cannot_manage_another_where_they_are_viewer(
    client_of, billing_contact, account
):
    from tests.factories import CustomerAccountFactory

    second = CustomerAccountFactory()
    MembershipFactory(account=second, user=billing_contact, role=Role.VIEWER)
    target = MembershipFactory(account=second, role=Role.PAYER)
    response = client_of(billing_contact).post(
        reverse("team_member_remove", args=[target.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_team_page_without_any_account_explains_how_to_get_access(client_of):
    body = client_of(UserFactory()).get(reverse("team")).content.decode()
    assert 'data-testid="no-access"' in body


def test_invitation_emails_are_capped_at_30_an_hour_per_account(
    client_of, billing_contact, account, committed
):
    from accounts.invitations import SENDS_PER_HOUR

    client = client_of(billing_contact)
    with committed():
        for n in range(SENDS_PER_HOUR):
            client.post(
                reverse("team_invite"), {"email": f"p{n}@example.test", "role": "viewer", "confirmed": "1"}
            )
    response = client.post(
        reverse("team_invite"), {"email": "one-more@example.test", "role": "viewer", "confirmed": "1"}
    )
    assert "Too many invitations" in response.content.decode()
    assert Invitation.objects.filter(account=account).count() == SENDS_PER_HOUR
