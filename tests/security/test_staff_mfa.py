"""Issue 10, item 1: every staff sign-in to the admin passes a second factor (TOTP); superusers too."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.django_db


def totp_code(secret: str) -> str:
    """The code of the current 30-second window, taken with at least 10 seconds of it left: allauth accepts
    only the current window, so a code typed just before the window turns would be refused."""
    if time.time() % 30 > 20:
        time.sleep(30.5 - time.time() % 30)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("superuser", [False, True], ids=["support", "superuser"])
def test_staff_without_totp_are_sent_to_enrol_before_the_admin(client, superuser):
    staff = staff_user(superuser=superuser, totp=False)
    sign_in(client, staff)
    response = client.get("/admin/accounts/customeraccount/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db(transaction=True)  # allauth signals the enrolment on commit, inside the request
def test_enrolling_totp_opens_the_admin(client):
    staff = staff_user(totp=False)
    sign_in(client, staff)
    confirm = client.get(reverse("mfa_activate_totp"))  # allauth asks for the password again first
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_staff_with_totp_give_the_code_at_sign_in_then_reach_the_admin(client):
    staff = staff_user(totp=False)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = sign_in(client, staff)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not signed in before the code
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_a_password_only_staff_session_does_not_open_the_admin(client):
    """A session signed in without the second factor (e.g. TOTP enrolled by an admin afterwards)."""
    staff = staff_user()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_staff_may_still_sign_out_without_totp(client):
    staff = staff_user(totp=False)
    sign_in(client, staff)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_customers_sign_in_without_a_second_factor(client, billing_contact):
    sign_in(client, billing_contact)
    assert client.get(reverse("dashboard")).status_code == 200
