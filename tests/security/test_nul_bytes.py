"""Issue 10, item 6: a NUL byte in a URL path, a query string or a form is a bad request (400), or names
nothing (404), never a server error (PostgreSQL refuses NUL in text: psycopg's DataError was a 500).

Walks every URL of the authorization registry (tests/test_authorization.py), signed in as the account's
billing contact, with %00 appended to each path argument in turn, to every query value and to every form
value the registry posts.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.test_authorization import REGISTRY, Case, World

pytestmark = pytest.mark.django_db

NUL = "\x00"
# Every query parameter a view of ours reads, and the filters' fields.
QUERY_NAMES = [
    "q", "page", "status", "method", "inline", "token", "invoice", "action", "actor", "date_from",
    "date_to", "issued_from", "issued_to", "currency", "kind", "sort", "next",
]  # fmt: skip
BAD_ANSWERS_OK = (400, 404)


@pytest.fixture
def world(db) -> World:
    account = CustomerAccountFactory()
    other_account = CustomerAccountFactory()
    return World(
        account=account,
        billing_contact=MembershipFactory(account=account, role=Role.BILLING_CONTACT).user,
        payer=MembershipFactory(account=account, role=Role.PAYER).user,
        viewer=MembershipFactory(account=account, role=Role.VIEWER).user,
        other_account=other_account,
        outsider=MembershipFactory(account=other_account, role=Role.BILLING_CONTACT).user,
    )


def cases_of(name: str) -> list[Case]:
    cases = REGISTRY[name]
    return cases if isinstance(cases, list) else [cases]


def urls_with_nul_in_the_path(name: str, kwargs: dict) -> list[str]:
    """The URL once per argument, with %00 after that argument's value (an int argument too)."""
    url = reverse(name, kwargs=kwargs)
    urls = []
    for value in kwargs.values():
        segment = re.compile(rf"/{re.escape(quote(str(value)))}(?=[/.]|$)")
        assert segment.search(url), (name, url, value)
        urls.append(segment.sub(lambda match: f"{match.group(0)}%00", url, count=1))
    return urls


def send(client, case: Case, url: str, data: dict):
    if case.method == "post":
        return client.post(url, data)
    return client.get(url, data)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_nul_in_path_query_or_form_is_a_bad_request_never_a_server_error(name, client, world):
    client.force_login(world.billing_contact)
    failures = []
    for case in cases_of(name):
        if case.setup:
            case.setup(world)
        kwargs = case.kwargs(world) if case.kwargs else {}
        data = case.data(world) if case.data else {}
        url = reverse(name, kwargs=kwargs or None)
        attempts = [(path_url, data) for path_url in urls_with_nul_in_the_path(name, kwargs)]
        nul_query = dict.fromkeys(QUERY_NAMES, f"1{NUL}")
        if case.method == "get":  # the test client's GET data is the query string
            attempts.append((url, {**data, **nul_query}))
        else:
            attempts.append((f"{url}?{urlencode(nul_query)}", data))
        if data:
            attempts.append((url, {key: f"{value}{NUL}" for key, value in data.items()}))
        for attempt_url, attempt_data in attempts:
            response = send(client, case, attempt_url, attempt_data)
            if response.status_code not in BAD_ANSWERS_OK:
                failures.append(
                    f"{case.method.upper()} {attempt_url!r} {attempt_data}: {response.status_code}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path",
    [
        "/healthz?x=%00",
        "/healthz/live?x=%00",
        "/robots.txt?x=%00",
        "/account/login/?next=%00",
        "/account/password/reset/key/%00-%00/",
        "/admin/?q=%00",
        "/i18n/setlang/?next=%00",
        "/%00/",
    ],
)
def test_nul_anywhere_else_is_a_bad_request_or_not_found(path, client, billing_contact):
    client.force_login(billing_contact)
    assert client.get(path).status_code in BAD_ANSWERS_OK


def test_nul_in_a_posted_sign_in_form_is_a_bad_request(client, billing_contact):
    response = client.post(reverse("account_login"), {"login": billing_contact.email + NUL, "password": "x"})
    assert response.status_code == 400


def test_a_session_cookie_with_a_nul_byte_is_ignored_not_a_server_error(client, db):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh" + NUL + "ijklmnop"
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302  # an unknown session: sent to sign in
    assert response["Location"].startswith(reverse("account_login"))


def test_webhooks_still_read_their_raw_body(client, db):
    """The check reads form bodies only: a provider's JSON body stays readable by the webhook view."""
    response = client.post(
        reverse("payments:stripe_webhook"), data=b'{"id": "evt_1"}', content_type="application/json"
    )
    assert response.status_code == 400  # no valid signature: refused by the webhook itself, not a 500
