"""Personal access tokens: made by a billing contact, shown once, stored hashed, revocable, expiring, logged."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivityEntry, Role
from api.models import AccessToken
from api.tokens import TokenError, token_create, token_hash, token_revoke

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_its_hash(account, billing_contact):
    created = token_create(account=account, user=billing_contact, name="ERP", role="read_only")
    stored = AccessToken.objects.get(pk=created.token.pk)
    assert created.secret.startswith(stored.prefix + "_")
    assert stored.key_hash == token_hash(created.secret)
    assert created.secret not in str(AccessToken.objects.filter(pk=stored.pk).values().first())


def test_only_a_billing_contact_makes_tokens(account, payer, viewer):
    for user in (payer, viewer):
        with pytest.raises(TokenError):
            token_create(account=account, user=user, name="x", role="read_only")


def test_a_token_cannot_name_an_unknown_role(account, billing_contact):
    with pytest.raises(TokenError):
        token_create(account=account, user=billing_contact, name="x", role="billing_contact")


def test_the_token_page_shows_the_secret_once(client_of, billing_contact):
    client = client_of(billing_contact)
    response = client.post(reverse("api_pages:tokens"), {"name": "AP robot", "role": "payer"}, follow=True)
    assert response.redirect_chain[-1][1] == 302  # POST, redirect, GET: a reload never makes a second token
    token = AccessToken.objects.get(name="AP robot")
    body = response.content.decode()
    assert token.prefix in body and 'data-testid="token-secret"' in body
    assert response["Cache-Control"].startswith("private")
    again = client.get(reverse("api_pages:tokens")).content.decode()
    assert 'data-testid="token-secret"' not in again and token.prefix in again


def test_the_token_page_in_french(client_of, billing_contact):
    body = (
        client_of(billing_contact)
        .get(reverse("api_pages:tokens"), HTTP_ACCEPT_LANGUAGE="fr")
        .content.decode()
    )
    assert "Jetons d’accès à l’API" in body


def test_a_payer_or_viewer_cannot_open_the_token_page(client_of, payer):
    assert client_of(payer).get(reverse("api_pages:tokens")).status_code == 403


def test_a_revoked_token_answers_401(account, billing_contact, make_token, api_client):
    token = make_token(billing_contact, account)
    assert api_client(token).get(reverse("api:account")).status_code == 200
    token_revoke(token=token, user=billing_contact)
    response = api_client(token).get(reverse("api:account"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_answers_401(account, billing_contact, make_token, api_client):
    with time_machine.travel("2027-03-01 10:00 +00:00", tick=False):
        token = make_token(billing_contact, account, expires_at=timezone.now() + datetime.timedelta(days=1))
        assert api_client(token).get(reverse("api:account")).status_code == 200
    with time_machine.travel("2027-03-02 10:00 +00:00", tick=False):
        assert api_client(token).get(reverse("api:account")).status_code == 401


def test_an_unknown_token_and_no_token_answer_401(db, api_client):
    assert api_client("cc_nope_nope").get(reverse("api:invoices")).status_code == 401
    response = api_client().get(reverse("api:invoices"))
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}


def test_a_token_stops_working_when_its_maker_loses_the_role(
    account, billing_contact, make_token, api_client
):
    from accounts.models import Membership

    token = make_token(billing_contact, account, role="payer")
    Membership.objects.filter(user=billing_contact, account=account).update(role=Role.VIEWER)
    assert api_client(token).get(reverse("api:account")).status_code == 401


def test_uses_are_logged_at_most_every_15_minutes_and_last_use_shown(
    account, billing_contact, make_token, api_client
):
    with time_machine.travel("2027-03-01 10:00 +00:00", tick=False):
        token = make_token(billing_contact, account)
        client = api_client(token)
        for _ in range(3):
            client.get(reverse("api:account"))
    with time_machine.travel("2027-03-01 10:14 +00:00", tick=False):
        client.get(reverse("api:account"))
    assert ActivityEntry.objects.filter(account=account, action="api.token_used").count() == 1
    with time_machine.travel("2027-03-01 10:16 +00:00", tick=False):
        client.get(reverse("api:account"))
    assert ActivityEntry.objects.filter(account=account, action="api.token_used").count() == 2
    token.refresh_from_db()
    assert token.last_used_at == datetime.datetime(2027, 3, 1, 10, 16, tzinfo=datetime.UTC)


def test_requests_are_throttled_per_token(account, billing_contact, make_token, api_client, settings):
    settings.API_RATE = "3/min"
    first, second = make_token(billing_contact, account), make_token(billing_contact, account)
    for _ in range(3):
        assert api_client(first).get(reverse("api:account")).status_code == 200
    refused = api_client(first).get(reverse("api:account"))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert "Retry-After" in refused
    assert api_client(second).get(reverse("api:account")).status_code == 200


def test_the_session_works_too(client_of, billing_contact, account):
    response = client_of(billing_contact).get(reverse("api:account"))
    assert response.status_code == 200
    assert response.json()["customer_number"] == account.customer_number
    assert response.json()["token_access"] is None
