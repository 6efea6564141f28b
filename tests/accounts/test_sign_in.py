"""Sign-up, verification, claim by contract email, rate limits, MFA, account switching, isolation."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from accounts.models import ActivityEntry, Membership, Role
from tests.factories import (
    PASSWORD,
    CustomerAccountFactory,
    MembershipFactory,
    UserFactory,
    enter_verification_code,
)

pytestmark = pytest.mark.django_db


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": "A-long-pass-phrase-42", "password2": "A-long-pass-phrase-42"},
    )


def confirm_from_email(client):
    """Sign-up in one step: the code of the email is typed on the page sign-up led to, no link to open."""
    return enter_verification_code(client)


def test_contract_email_becomes_billing_contact_once_verified(client):
    account = CustomerAccountFactory(contract_email="ap@newco.test")
    response = sign_up(client, "AP@newco.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "/account/confirm-email/" not in mail.outbox[-1].body  # a code, not a link
    assert not Membership.objects.filter(account=account).exists()  # not before verification

    response = confirm_from_email(client)

    assert response.status_code == 302  # signed in, straight to the claimed account
    assert client.get(response["Location"], follow=True).status_code == 200

    membership = Membership.objects.get(account=account)
    assert membership.user.email == "ap@newco.test"
    assert membership.role == Role.BILLING_CONTACT
    assert ActivityEntry.objects.filter(account=account, action="account.claimed").exists()
    dashboard = client.get(reverse("dashboard"))
    assert account.legal_name in dashboard.content.decode()


def test_contract_email_does_not_take_over_an_account_that_already_has_members(client):
    account = CustomerAccountFactory(contract_email="old@corp.test")
    MembershipFactory(account=account, role=Role.BILLING_CONTACT)
    sign_up(client, "old@corp.test")
    confirm_from_email(client)
    assert Membership.objects.filter(account=account).count() == 1


def test_anyone_else_sees_how_to_get_access(client):
    CustomerAccountFactory(contract_email="someone@else.test")
    sign_up(client, "stranger@nowhere.test")
    confirm_from_email(client)
    body = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="no-access"' in body
    assert "billing contact" in body


def test_unverified_user_cannot_sign_in(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_sign_in_reaches_the_dashboard(client, billing_contact):
    response = client.post(reverse("account_login"), {"login": billing_contact.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert ActivityEntry.objects.filter(actor=billing_contact, action="auth.signed_in").exists()


def test_failed_logins_are_rate_limited_on_redis(client, billing_contact):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": billing_contact.email, "password": "wrong"}
        )
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": billing_contact.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mfa_totp_is_asked_after_the_password(client, billing_contact):
    secret = generate_totp_secret()
    TOTP.activate(billing_contact, secret)
    response = client.post(reverse("account_login"), {"login": billing_contact.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_mfa_recovery_code_signs_in_once(client, billing_contact):
    TOTP.activate(billing_contact, generate_totp_secret())
    codes = RecoveryCodes.activate(billing_contact).get_unused_codes()
    client.post(reverse("account_login"), {"login": billing_contact.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    client.post(reverse("account_login"), {"login": billing_contact.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200  # used up


def test_password_reset_sends_a_link(client, billing_contact):
    client.post(reverse("account_reset_password"), {"email": billing_contact.email})
    assert "/account/password/reset/key/" in mail.outbox[-1].body


def test_switcher_moves_between_the_users_accounts(client_of, billing_contact, account):
    second = CustomerAccountFactory(legal_name="Second Customer SA")
    MembershipFactory(user=billing_contact, account=second, role=Role.VIEWER)
    client = client_of(billing_contact)
    body = client.get(reverse("dashboard")).content.decode()
    assert 'id="account-switch"' in body
    response = client.post(reverse("account_switch"), {"account": second.pk, "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("dashboard")).content.decode()
    assert "<h1>Second Customer SA</h1>" in body


def test_switching_to_an_account_one_is_not_a_member_of_is_404(client_of, billing_contact, other_account):
    client = client_of(billing_contact)
    assert client.post(reverse("account_switch"), {"account": other_account.pk}).status_code == 404
    body = client.get(reverse("dashboard")).content.decode()
    assert other_account.legal_name not in body


def test_switcher_ignores_an_offsite_next_url(client_of, billing_contact, account):
    response = client_of(billing_contact).post(
        reverse("account_switch"), {"account": account.pk, "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_a_stale_session_account_falls_back_to_a_real_membership(
    client_of, billing_contact, account, other_account
):
    client = client_of(billing_contact)
    session = client.session
    session["current_account_id"] = other_account.pk  # e.g. a membership removed since
    session.save()
    body = client.get(reverse("dashboard")).content.decode()
    assert account.legal_name in body
    assert other_account.legal_name not in body
