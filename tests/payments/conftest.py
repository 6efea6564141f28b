"""Payments test fixtures: localstripe (the fake Stripe API) on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    """localstripe in its own process (python -m portal.fakes stripe PORT), bound to 127.0.0.1."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.fakes", "stripe", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def localstripe(localstripe_server, settings):
    """A fresh localstripe (all data deleted) that the project's Stripe client talks to."""
    request = urllib.request.Request(f"{localstripe_server}/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 — loopback test server
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    return localstripe_server


@pytest.fixture(scope="session")
def paypal_server():
    """Our PayPal fake (tests/fakes/paypal.py) in a thread on a free loopback port."""
    from tests.fakes import paypal

    server = paypal.start(port=0)
    yield server
    server.shutdown()


@pytest.fixture
def paypal_fake(paypal_server, settings):
    """The PayPal fake, emptied, with the project's PayPal settings pointing at it."""
    paypal_server.orders.clear()
    paypal_server.responses.clear()
    settings.PAYPAL_API_BASE = paypal_server.base_url
    settings.PAYPAL_WEBHOOK_ID = "WH-TEST"
    return paypal_server


class StripeBrowser:
    """Does what Stripe.js (localstripe's stand-in) does in the browser, with the publishable key only."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def _post(self, path: str, body: dict) -> dict:
        import json

        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps({"key": "pk_test_local", **body}).encode(),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def confirm_card_setup(self, client_secret: str, number: str = "4242424242424242") -> str:
        """confirmCardSetup: returns the SetupIntent id (after completing 3-D Secure if asked)."""
        seti = client_secret.split("_secret_")[0]
        card = {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
        body = self._post(
            f"/v1/setup_intents/{seti}/confirm",
            {
                "client_secret": client_secret,
                "use_stripe_sdk": True,
                "payment_method_data": {"type": "card", "card": card},
            },
        )
        if body.get("status") == "requires_action":
            body = self._post(f"/v1/setup_intents/{seti}/confirm", {"client_secret": client_secret})
        return seti

    def confirm_sepa_setup(self, client_secret: str, iban: str) -> str:
        seti = client_secret.split("_secret_")[0]
        self._post(
            f"/v1/setup_intents/{seti}/confirm",
            {
                "client_secret": client_secret,
                "payment_method_data": {
                    "type": "sepa_debit",
                    "sepa_debit": {"iban": iban},
                    "billing_details": {"name": "Lumière", "email": "compta@lumiere.test"},
                },
            },
        )
        return seti

    def confirm_payment_with_card(self, client_secret: str, number: str = "4242424242424242") -> dict:
        """confirmCardPayment(client_secret, {payment_method: {card}}): the PaymentIntent confirmed with the
        card; a card that asks for 3-D Secure leaves it `requires_action` (its window, confirm_card_payment,
        is the test's to answer). Returns the PaymentIntent, or Stripe's error (a decline names the intent)."""
        pi = client_secret.split("_secret_")[0]
        card = {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
        return self._post(
            f"/v1/payment_intents/{pi}/confirm",
            {
                "client_secret": client_secret,
                "use_stripe_sdk": True,
                "payment_method_data": {
                    "type": "card",
                    "card": card,
                    "billing_details": {"email": "p@x.test"},
                },
            },
        )

    def confirm_card_payment(self, client_secret: str, success: bool = True) -> dict:
        """confirmCardPayment: the 3-D Secure modal, completed or failed."""
        pi = client_secret.split("_secret_")[0]
        return self._post(
            f"/v1/payment_intents/{pi}/_authenticate?success={str(success).lower()}",
            {"client_secret": client_secret},
        )

    def three_d_secure_challenges(self, payment_reference: str) -> list[dict]:
        """The 3-D Secure windows the fake asked for, for the intents (setup or payment) of our payment."""
        import json

        url = f"{self.base_url}/_config/three_d_secure?payment_reference={payment_reference}"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback
            return json.loads(response.read())["challenges"]

    def payment_intents(self) -> list[dict]:
        import json

        request = urllib.request.Request(
            f"{self.base_url}/v1/payment_intents?limit=100", headers={"Authorization": "Bearer sk_test_local"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback
            return json.loads(response.read())["data"]


@pytest.fixture
def stripe_browser(localstripe):
    return StripeBrowser(localstripe)


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe (and localstripe) put on a webhook."""
    import hashlib
    import hmac

    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


def stripe_amount(payment) -> dict:
    """The amount and currency of the PaymentIntent of our payment row, as Stripe puts them on the intent."""
    from core.money import to_minor_units

    return {"amount": to_minor_units(payment.amount, payment.currency), "currency": payment.currency.lower()}


def stripe_event(event_type: str, intent: dict, event_id: str | None = None) -> dict:
    import uuid

    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:14]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": {"object": "payment_intent", **intent}},
    }


@pytest.fixture
def post_stripe_event(client, settings):
    """`post_stripe_event(event)`: deliver a signed event to our Stripe webhook as Stripe would."""
    import json

    from django.urls import reverse

    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"

    def post(
        event: dict, *, secret: str = "whsec_test", timestamp: int | None = None, body: bytes | None = None
    ):
        payload = json.dumps(event).encode()
        return client.post(
            reverse("payments:stripe_webhook"),
            data=body if body is not None else payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload, secret, timestamp),
        )

    return post


def payment_options_seed() -> None:
    """Put back the default country and card-limit rows (a transactional test's flush removes migration data)."""
    import importlib

    from django.apps import apps

    importlib.import_module("payments.migrations.0004_seed_payment_options").seed(apps, None)


@pytest.fixture
def seeded_payment_options(transactional_db):
    payment_options_seed()


@pytest.fixture(autouse=True)
def _payment_options_present(request):
    """Every database test sees the default country table and card limits, even after a transactional flush."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
        payment_options_seed()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def confirm_us_bank_account_setup(browser: StripeBrowser, client_secret: str, **bank) -> dict:
    """collectBankAccountForSetup + confirmUsBankAccountSetup: numbers typed (microdeposits follow) or
    `financial_connections_account="fca_…"` (instant verification). Returns the SetupIntent."""
    seti = client_secret.split("_secret_")[0]
    details = bank or {"routing_number": "110000000", "account_number": "000123456789"}
    return browser._post(
        f"/v1/setup_intents/{seti}/confirm",
        {
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "us_bank_account",
                "us_bank_account": {"account_holder_type": "company", **details},
                "billing_details": {"name": "Acme Inc.", "email": "ap@acme.example"},
            },
        },
    )


def verify_microdeposits(browser: StripeBrowser, client_secret: str, amounts: list[int]) -> dict:
    """POST /v1/setup_intents/{id}/verify_microdeposits: the two amounts the payer reads on their statement
    (sent with the secret key, as a server does; localstripe lets the publishable key reach only confirm)."""
    import json

    seti = client_secret.split("_secret_")[0]
    request = urllib.request.Request(
        f"{browser.base_url}/v1/setup_intents/{seti}/verify_microdeposits",
        data=json.dumps({"client_secret": client_secret, "amounts": amounts}).encode(),
        headers={"Authorization": "Bearer sk_test_local", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())
