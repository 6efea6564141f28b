"""Issue 10, item 2: failed sign-ins slow down one account or one client address, never the portal.

Behind the load balancer of docker-compose every request comes from the balancer's address; the client's
own is the last entry of X-Forwarded-For (the one the balancer appended: what the client wrote before it
is not trusted). The portal trusts that many proxies (TRUSTED_PROXY_COUNT), which compose sets to 1.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"


def compose_web_proxy_count() -> int:
    """TRUSTED_PROXY_COUNT of the web service in docker-compose.yml (KeyError when it is not set)."""
    text = (ROOT / "docker-compose.yml").read_text()
    web = re.search(r"\n  web:\n(.*?)(?=\n  \w)", text, re.S)
    found = re.search(r'TRUSTED_PROXY_COUNT: "?(\d+)', web.group(1)) if web else None
    if found is None:
        raise KeyError("TRUSTED_PROXY_COUNT is not set for the web service")
    return int(found.group(1))


@pytest.fixture(autouse=True)
def behind_the_compose_load_balancer(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = compose_web_proxy_count()


def sign_in(client, email, password, *, client_ip, spoofed="10.0.0.1"):
    """A sign-in through the load balancer: it appends the address it saw to what the client sent."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_ip}",
        REMOTE_ADDR="172.18.0.5",  # the balancer
    )


@pytest.fixture
def ap(account):
    return MembershipFactory(account=account, user=UserFactory(email="ap@acme.example")).user


def test_failures_on_made_up_emails_from_many_addresses_lock_nobody_else_out(client, ap):
    for n in range(5):
        sign_in(
            client,
            f"nobody{n}@made-up.example",
            "guess",
            client_ip=f"203.0.113.{n + 1}",
            spoofed=f"1.1.1.{n}",
        )
    assert sign_in(client, ap.email, PASSWORD, client_ip="198.51.100.20").status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    staff = staff_user(totp=False, email="support@vendor.example")
    response = sign_in(client, staff.email, PASSWORD, client_ip="198.51.100.30")
    assert response.status_code == 302 and TOO_MANY not in response.content.decode()


def test_one_address_guessing_many_accounts_is_slowed_down_alone(client, ap):
    for n in range(20):
        sign_in(client, f"nobody{n}@made-up.example", "guess", client_ip="203.0.113.66", spoofed=f"9.9.9.{n}")
    blocked = sign_in(client, "another@made-up.example", "guess", client_ip="203.0.113.66", spoofed="8.8.8.8")
    assert TOO_MANY in blocked.content.decode()  # a changing spoofed address does not help the attacker
    assert sign_in(client, ap.email, PASSWORD, client_ip="198.51.100.20").status_code == 302


def test_many_addresses_guessing_one_account_slow_down_that_account_only(client, ap, billing_contact):
    for n in range(5):
        sign_in(client, ap.email, "guess", client_ip=f"203.0.113.{n + 1}")
    assert TOO_MANY in sign_in(client, ap.email, PASSWORD, client_ip="198.51.100.20").content.decode()
    assert sign_in(client, billing_contact.email, PASSWORD, client_ip="198.51.100.21").status_code == 302


def test_totp_codes_are_limited_per_user_not_per_portal(client, ap, billing_contact):
    secret = generate_totp_secret()
    TOTP.activate(ap, secret)
    sign_in(client, ap.email, PASSWORD, client_ip="203.0.113.1")
    for n in range(5):
        client.post(
            reverse("mfa_authenticate"), {"code": "000000"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}"
        )
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    refused = client.post(reverse("mfa_authenticate"), {"code": code}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert TOO_MANY in refused.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    other = client_for_another_person()
    other_secret = generate_totp_secret()
    TOTP.activate(billing_contact, other_secret)
    sign_in(other, billing_contact.email, PASSWORD, client_ip="203.0.113.1")  # the attacker's address too
    other_code = format_hotp_value(hotp_value(other_secret, int(time.time()) // 30))
    assert other.post(reverse("mfa_authenticate"), {"code": other_code}).status_code == 302
    assert other.get(reverse("dashboard")).status_code == 200


def client_for_another_person():
    from django.test import Client

    return Client(HTTP_X_FORWARDED_FOR="203.0.113.1", REMOTE_ADDR="172.18.0.5")


def test_the_trusted_proxy_count_comes_from_the_environment():
    """Default 0 (a development server has no proxy in front); compose's web service says 1."""
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("TRUSTED_PROXY_COUNT", None)
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    default = subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert default.stdout.strip() == "0"
    configured = subprocess.run(
        run, env={**env, "TRUSTED_PROXY_COUNT": "1"}, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert configured.stdout.strip() == "1"
    assert compose_web_proxy_count() == 1
