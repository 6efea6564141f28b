"""Invitation lifecycle: invite, email, accept (signed in, sign up, sign in), expire, revoke, reuse, resend."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from accounts.models import ActivityEntry, Invitation, Membership, Role
from notifications.delivery import outbox_deliver
from notifications.models import OutboxEmail, OutboxStatus
from tests.accounts.team_helpers import last_invitation_path
from tests.factories import (
    PASSWORD,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
    enter_verification_code,
)

pytestmark = pytest.mark.django_db


def test_an_invitation_is_emailed_once_committed_with_a_link_valid_seven_days(
    billing_contact, account, invite
):
    before = timezone.now()
    invitation = invite(actor=billing_contact, account=account, email="New.Person@Example.test", role="payer")
    assert invitation.email == "new.person@example.test"
    assert (
        datetime.timedelta(days=7) <= invitation.expires_at - before < datetime.timedelta(days=7, minutes=1)
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert account.legal_name in message.subject
    assert invitations.invitation_url(invitation) in message.body
    assert "Payer" in message.body
    assert ActivityEntry.objects.filter(
        account=account, action="invitation.sent", target=invitation.email
    ).exists()


def test_the_invitation_email_is_written_in_the_accounts_language(billing_contact, invite):
    account = CustomerAccountFactory(language="fr", country="FR", currency="EUR")
    MembershipFactory(account=account, user=billing_contact, role=Role.BILLING_CONTACT)
    invitation = invite(actor=billing_contact, account=account)
    assert invitation.language == "fr"
    html = mail.outbox[-1].alternatives[0][0]
    assert '<html lang="fr">' in html


def test_the_email_task_sends_at_most_once_per_link(billing_contact, account, invite):
    invitation = invite(actor=billing_contact, account=account)
    assert len(mail.outbox) == 1
    email = OutboxEmail.objects.get(object_id=invitation.pk, kind=invitations.INVITATION_EMAIL)
    assert outbox_deliver(email_id=email.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert email.dedupe_key == f"invitation:{invitation.pk}:send-1"
    assert OutboxEmail.objects.filter(object_id=invitation.pk, status=OutboxStatus.SENT).count() == 1


def test_a_revoked_invitation_is_not_emailed_by_a_late_task(
    billing_contact, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        invitation = invitations.invitation_create(
            actor=billing_contact, account=account, email="late@example.test", role=Role.VIEWER
        )
    invitations.invitation_revoke(actor=billing_contact, invitation=invitation)
    email = OutboxEmail.objects.get(object_id=invitation.pk, kind=invitations.INVITATION_EMAIL)
    assert outbox_deliver(email_id=email.pk) == "nothing"
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == OutboxStatus.SKIPPED


def test_inviting_an_existing_member_is_refused_with_a_clear_message(client_of, billing_contact, viewer):
    response = client_of(billing_contact).post(
        reverse("team_invite"), {"email": viewer.email.upper(), "role": "payer", "confirmed": "1"}
    )
    assert response.status_code == 200
    assert "is already a member of this account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_address_twice_is_refused_while_the_first_is_pending(
    client_of, billing_contact, account, invite, committed
):
    invite(actor=billing_contact, account=account, email="twice@example.test")
    with committed():
        response = client_of(billing_contact).post(
            reverse("team_invite"), {"email": "twice@example.test", "role": "viewer", "confirmed": "1"}
        )
    body = response.content.decode()
    assert "already has a pending invitation" in body
    assert 'value="twice@example.test"' in body  # the form keeps what was typed
    assert Invitation.objects.count() == 1


def test_the_same_address_may_be_invited_to_two_accounts(billing_contact, account, invite):
    other = CustomerAccountFactory()
    MembershipFactory(account=other, user=billing_contact, role=Role.BILLING_CONTACT)
    invite(actor=billing_contact, account=account, email="shared@example.test")
    invite(actor=billing_contact, account=other, email="shared@example.test")
    assert Invitation.objects.filter(email="shared@example.test").count() == 2


def test_inviting_again_after_expiry_renews_the_invitation_with_a_new_link(billing_contact, account, invite):
    first = invite(actor=billing_contact, account=account, email="late@example.test")
    old_path = last_invitation_path()
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    renewed = invite(actor=billing_contact, account=account, email="late@example.test", role="payer")
    assert renewed.pk == first.pk
    assert renewed.role == Role.PAYER
    assert renewed.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert last_invitation_path() != old_path
    assert len(mail.outbox) == 2


def test_accepting_signed_in_with_the_invited_verified_address_adds_the_membership(
    client_of, billing_contact, account, invite
):
    person = UserFactory(email="joiner@example.test")
    invitation = invite(actor=billing_contact, account=account, email="joiner@example.test", role="payer")
    client = client_of(person)
    path = last_invitation_path()
    page = client.get(path)
    assert page.status_code == 200
    assert "Accept invitation" in page.content.decode()
    assert "pay invoices" in page.content.decode()  # says what they will be able to do
    assert not Membership.objects.filter(user=person).exists()  # a GET changes nothing

    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, account=account)
    assert membership.role == Role.PAYER
    assert membership.invited_by == billing_contact
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    assert ActivityEntry.objects.filter(account=account, action="invitation.accepted", actor=person).exists()
    assert account.legal_name in client.get(reverse("dashboard")).content.decode()


def test_an_invitation_link_works_only_once(client_of, billing_contact, account, invite):
    person = UserFactory(email="once@example.test")
    invite(actor=billing_contact, account=account, email="once@example.test")
    path = last_invitation_path()
    client = client_of(person)
    client.post(path)
    again = client.post(path)
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert Membership.objects.filter(user=person).count() == 1


def test_an_expired_link_says_so_and_whom_to_ask(client, billing_contact, account, invite):
    invitation = invite(actor=billing_contact, account=account)
    path = last_invitation_path()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 410
    assert "This invitation has expired" in body
    assert billing_contact.email in body


def test_a_revoked_link_says_so(client_of, billing_contact, account, invite):
    person = UserFactory(email="revoked@example.test")
    invitation = invite(actor=billing_contact, account=account, email="revoked@example.test")
    path = last_invitation_path()
    invitations.invitation_revoke(actor=billing_contact, invitation=invitation)
    response = client_of(person).post(path)
    assert response.status_code == 410
    assert "This invitation was revoked" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()
    assert ActivityEntry.objects.filter(account=account, action="invitation.revoked").exists()


def test_a_resend_replaces_the_link(client_of, billing_contact, account, invite, committed):
    person = UserFactory(email="resend@example.test")
    invitation = invite(actor=billing_contact, account=account, email="resend@example.test")
    old_path = last_invitation_path()
    with committed():
        invitations.invitation_resend(actor=billing_contact, invitation=invitation)
    new_path = last_invitation_path()
    assert new_path != old_path
    client = client_of(person)
    assert client.get(old_path).status_code == 404
    assert client.post(new_path).status_code == 302
    assert Membership.objects.filter(user=person, account=account).exists()


def test_a_tampered_token_is_not_valid(client, billing_contact, account, invite):
    invitation = invite(actor=billing_contact, account=account)
    response = client.get(reverse("invitation_accept", args=[invitation.pk, "0" * 64]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_someone_signed_in_with_another_address_cannot_accept(client_of, billing_contact, account, invite):
    stranger = UserFactory(email="stranger@example.test")
    invite(actor=billing_contact, account=account, email="invited@example.test")
    client = client_of(stranger)
    path = last_invitation_path()
    page = client.get(path)
    assert "but this invitation is for invited@example.test" in page.content.decode()
    client.post(path)
    assert not Membership.objects.filter(user=stranger).exists()


def test_an_unverified_invited_address_does_not_join(billing_contact, account, invite):
    person = UserFactory(email="unverified@example.test", verified=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    invitation = invite(actor=billing_contact, account=account, email="unverified@example.test")
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(
            invitation_id=invitation.pk, token=invitations.invitation_token(invitation), user=person
        )
    assert not Membership.objects.filter(user=person).exists()


def test_a_newcomer_signs_up_through_the_link_and_joins_with_the_address_verified(
    client, billing_contact, account, invite
):
    invite(actor=billing_contact, account=account, email="newcomer@example.test", role="viewer")
    page = client.get(last_invitation_path())
    assert "Create your sign-in" in page.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.test",
            "password1": "A-long-pass-phrase-42",
            "password2": "A-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(account=account, user__email="newcomer@example.test")
    assert membership.role == Role.VIEWER
    assert EmailAddress.objects.get(email="newcomer@example.test").verified
    assert len(mail.outbox) == 1  # no separate verification email: the invitation link proved the address
    assert account.legal_name in client.get(reverse("dashboard")).content.decode()


def test_signing_up_through_the_link_with_another_address_still_requires_verification(
    client, billing_contact, account, invite
):
    invite(actor=billing_contact, account=account, email="invited2@example.test")
    client.get(last_invitation_path())
    client.post(
        reverse("account_signup"),
        {
            "email": "other@example.test",
            "password1": "A-long-pass-phrase-42",
            "password2": "A-long-pass-phrase-42",
        },
    )
    assert not EmailAddress.objects.get(email="other@example.test").verified
    assert not Membership.objects.filter(account=account, user__email="other@example.test").exists()


def test_an_existing_user_signs_in_from_the_link_and_joins(client, billing_contact, account, invite):
    person = UserFactory(email="returning@example.test")
    invite(actor=billing_contact, account=account, email="returning@example.test", role="payer")
    page = client.get(last_invitation_path())
    assert "Sign in to accept" in page.content.decode()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.get(user=person, account=account).role == Role.PAYER
    assert account.legal_name in client.get(reverse("dashboard")).content.decode()


def test_demo_data_adds_a_pending_invitation_for_acme_once(billing_contact):
    from portal.demo import accounts as demo

    acme = CustomerAccountFactory(customer_number="C-100200")
    demo.seed({"accounts": {"acme": acme}})
    demo.seed({"accounts": {"acme": acme}})
    invitation = Invitation.objects.get(account=acme)
    assert invitation.state == "pending"


def test_a_signed_in_user_adds_and_verifies_the_invited_address_then_joins(
    client_of, billing_contact, account, invite
):

    person = UserFactory(email="personal@example.test")
    invite(actor=billing_contact, account=account, email="work@example.test", role="payer")
    client = client_of(person)
    client.get(last_invitation_path())  # signed in with another address: the invitation waits in the session
    client.post(reverse("account_email"), {"action_add": "", "email": "work@example.test"})
    assert not Membership.objects.filter(user=person).exists()
    enter_verification_code(client)  # the code of the email, typed on the page adding the address led to
    assert Membership.objects.get(user=person, account=account).role == Role.PAYER


@pytest.mark.worker
def test_the_invitation_email_goes_through_the_real_worker(celery_worker, billing_contact, account):
    import time

    invitation = invitations.invitation_create(
        actor=billing_contact, account=account, email="worker@example.test", role="viewer"
    )
    deadline = time.monotonic() + 20
    sent = OutboxEmail.objects.filter(object_id=invitation.pk, status=OutboxStatus.SENT)
    while time.monotonic() < deadline and not sent.exists():
        time.sleep(0.2)
    assert sent.get().dedupe_key == f"invitation:{invitation.pk}:send-1"
    mine = [
        f
        for f in celery_worker["mail_dir"].glob("*.log")
        if invitations.invitation_path(invitation) in f.read_text()
    ]
    assert len(mine) == 1
    for f in mine:  # the worker's mail folder is shared by the session: leave it as other tests expect it
        f.unlink()


def test_an_address_verified_through_an_invitation_still_claims_its_contract_account(
    client, billing_contact, account, invite
):
    unclaimed = CustomerAccountFactory(contract_email="both@example.test")
    invite(actor=billing_contact, account=account, email="both@example.test")
    client.get(last_invitation_path())
    client.post(
        reverse("account_signup"),
        {
            "email": "both@example.test",
            "password1": "A-long-pass-phrase-42",
            "password2": "A-long-pass-phrase-42",
        },
    )
    roles = dict(Membership.objects.filter(user__email="both@example.test").values_list("account_id", "role"))
    assert roles == {account.pk: Role.VIEWER, unclaimed.pk: Role.BILLING_CONTACT}


def test_inviting_an_existing_member_is_refused_before_the_confirmation_step(
    client_of, billing_contact, viewer
):
    """Issue 11, item 5: the refusal came only after the user had confirmed."""
    response = client_of(billing_contact).post(
        reverse("team_invite"), {"email": viewer.email, "role": "payer"}
    )
    body = response.content.decode()
    assert "is already a member of this account" in body
    assert "Send this invitation?" not in body
    assert not Invitation.objects.exists()


def test_a_pending_invitation_is_said_before_the_confirmation_step(client_of, billing_contact):
    client = client_of(billing_contact)
    client.post(reverse("team_invite"), {"email": "new@example.test", "role": "viewer", "confirmed": "1"})
    body = client.post(
        reverse("team_invite"), {"email": "new@example.test", "role": "viewer"}
    ).content.decode()
    assert "already has a pending invitation" in body and "Send this invitation?" not in body
    assert Invitation.objects.count() == 1
