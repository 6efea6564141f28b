"""Issue 10, item 3: Redis down is not an outage, and the health check says what is down.

The cache is made unreachable for real: Django's RedisCache pointed at a loopback port nothing listens on,
or at a relay in front of the real Redis that the test cuts and restores (tests/security/tcp_proxy.py).
Sessions are `cached_db`: with the cache down they are read from and written to PostgreSQL alone.
"""

from __future__ import annotations

import contextlib
import logging
import socket

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, CustomerAccountFactory, MembershipFactory
from tests.security.tcp_proxy import TcpProxy
from tests.test_authorization import ALLOWED, REGISTRY, Case, World

pytestmark = pytest.mark.django_db

CACHE_LOGGER = "core.cache"


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_cache_at(settings, location: str, **options) -> None:
    cache = dict(settings.CACHES["default"])
    cache["LOCATION"] = location
    cache["OPTIONS"] = {**cache.get("OPTIONS", {}), **options}
    settings.CACHES = {"default": cache}


@pytest.fixture
def cache_down(settings):
    point_cache_at(settings, f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def redis_relay(settings):
    """The cache goes through a relay to the real Redis; `.cut()` and `.start()` end and restore the route."""
    host, port = _real_redis_address()
    proxy = TcpProxy(target_host=host, target_port=port)
    proxy.start()
    # Retry at once after a failure: the test decides when Redis is back, not a clock.
    point_cache_at(settings, f"redis://127.0.0.1:{proxy.port}/0", outage_retry_seconds=0)
    yield proxy
    proxy.cut()


def _real_redis_address() -> tuple[str, int]:
    from urllib.parse import urlparse

    url = urlparse(django_settings.CACHES["default"]["LOCATION"])
    if url.scheme not in ("redis", "rediss"):
        pytest.skip("the relay needs Redis on TCP (the embedded one listens on a unix socket)")
    return url.hostname or "127.0.0.1", url.port or 6379


def sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("dashboard")


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


def signed_in_pages() -> list[tuple[str, Case]]:
    """Every page of the authorization registry that a billing contact opens with GET."""
    pages = []
    for name, cases in sorted(REGISTRY.items()):
        for case in cases if isinstance(cases, list) else [cases]:
            if case.method == "get" and case.billing_contact == ALLOWED:
                pages.append((name, case))
    return pages


# --- sessions and pages from the database -------------------------------------------------------


def test_sign_in_and_every_signed_in_page_answer_from_the_database_when_the_cache_is_down(
    client, world, cache_down
):
    sign_in(client, world.billing_contact)
    failures = []
    for name, case in signed_in_pages():
        if case.setup:
            case.setup(world)
        url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
        response = client.get(url, case.data(world) if case.data else {})
        if response.status_code != 200:
            failures.append(f"{name}: {response.status_code}")
    assert not failures, failures
    # Still signed in after all those requests: the session lives in PostgreSQL.
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_session_started_before_the_outage_goes_on_during_it(client, billing_contact, redis_relay):
    sign_in(client, billing_contact)
    redis_relay.cut()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == billing_contact


def test_signing_out_during_the_outage_is_not_undone_when_the_cache_comes_back(
    client, billing_contact, redis_relay
):
    """The cached copy of the session could not be deleted while Redis was away; it must not sign the
    cookie's holder back in once Redis answers again."""
    sign_in(client, billing_contact)
    assert client.get(reverse("dashboard")).status_code == 200  # the session is in Redis now
    session_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    redis_relay.cut()
    assert client.post(reverse("account_logout")).status_code == 302
    redis_relay.start()

    client.cookies[django_settings.SESSION_COOKIE_NAME] = session_cookie  # an attacker kept the cookie
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_outage_is_logged_once_and_the_return_once(client, billing_contact, redis_relay, caplog):
    sign_in(client, billing_contact)
    redis_relay.cut()
    with caplog.at_level(logging.INFO, logger=CACHE_LOGGER):
        for _ in range(5):
            assert client.get(reverse("dashboard")).status_code == 200
        redis_relay.start()
        for _ in range(3):
            assert client.get(reverse("dashboard")).status_code == 200
    records = [r for r in caplog.records if r.name == CACHE_LOGGER]
    assert [r.levelno for r in records] == [logging.WARNING, logging.INFO], [
        (r.getMessage(), r.stack_info) for r in records
    ]
    assert "unreachable" in records[0].getMessage()
    assert "back" in records[1].getMessage()


def test_sign_in_rate_limits_fail_open_while_the_cache_is_down(client, billing_contact, cache_down):
    """allauth counts attempts in the cache. Without it nothing is counted: refusing every sign-in would turn
    a Redis outage into a portal outage, so the limits fail open (see README, "Health and outages")."""
    for _ in range(6):
        client.post(reverse("account_login"), {"login": billing_contact.email, "password": "wrong"})
    sign_in(client, billing_contact)


def test_invitation_sending_limit_fails_open_while_the_cache_is_down(account, cache_down):
    from accounts.invitations import invitation_send_allowed

    assert invitation_send_allowed(account=account) is True


def test_the_cache_reads_as_a_miss_and_writes_are_dropped_while_it_is_down(cache_down):
    from django.core.cache import cache

    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k", "l"]) == {}
    assert cache.add("k", 1) is True  # as for an absent key: a lock taken with add() excludes no one
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    assert cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError):
        cache.incr("k")
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert cache.touch("k") is False


# --- health endpoints -----------------------------------------------------------------------------


@pytest.fixture
def broker_down():
    from portal.celery import app

    real_url = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    yield
    app.conf.broker_url = real_url


def test_readiness_reports_every_service_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "services": {"database": "up", "cache": "up", "broker": "up"},
        "down": [],
    }
    assert "no-cache" in response["Cache-Control"]


def test_readiness_names_the_cache_when_it_is_down(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "services": {"database": "up", "cache": "down", "broker": "up"},
        "down": ["cache"],
    }


def test_readiness_names_the_broker_when_it_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@contextlib.contextmanager
def database_down():
    """The default connection pointed at a closed port (its next query connects there, and fails)."""
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port


@pytest.mark.django_db(transaction=True)
def test_readiness_names_the_database_when_it_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["services"] == {"database": "down", "cache": "up", "broker": "up"}


@pytest.mark.django_db(transaction=True)
def test_liveness_touches_no_service(client, cache_down, broker_down):
    with database_down():
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
