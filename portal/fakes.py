"""Local stand-ins for the payment providers, for `make run` and the tests (loopback only).

python -m portal.fakes stripe 8420   # localstripe, the community fake of Stripe's API and Stripe.js
python -m portal.fakes paypal 8421   # our fake of PayPal's Orders v2 API (tests/fakes/paypal.py)
"""

from __future__ import annotations

import os
import sys


def us_bank_account_support() -> None:
    """Teach localstripe Stripe's `us_bank_account` (ACH direct debit), which it lacks, as Stripe's test mode
    behaves:

    - a PaymentMethod of type us_bank_account, from routing and account numbers (verified by microdeposits)
      or from a Financial Connections account id `fca_…` (instant verification);
    - a SetupIntent confirmed with numbers waits in `requires_action` (verify_with_microdeposits) until
      POST /v1/setup_intents/{id}/verify_microdeposits with amounts [32, 45] (or descriptor code SM11AA);
    - a PaymentIntent confirmed with it stays `processing`: the bank answers days later, the tests send
      the payment_intent.succeeded or payment_intent.payment_failed webhook themselves.
    """
    from localstripe import resources
    from localstripe.errors import UserError
    from localstripe.resources import Charge, PaymentMethod, SetupIntent, StripeObject, fingerprint
    from localstripe.server import api_extra, app

    pm_init = PaymentMethod.__init__

    def payment_method_init(
        self, type=None, us_bank_account=None, billing_details=None, metadata=None, **kwargs
    ):
        if type != "us_bank_account":
            return pm_init(self, type=type, billing_details=billing_details, metadata=metadata, **kwargs)
        if kwargs or not isinstance(us_bank_account, dict):
            raise UserError(400, "Bad request")
        instant = str(us_bank_account.get("financial_connections_account", "")).startswith("fca_")
        routing = str(us_bank_account.get("routing_number", "110000000"))
        number = str(us_bank_account.get("account_number", "000123456789"))
        if not instant and not (len(routing) == 9 and routing.isdigit() and 4 <= len(number) <= 17):
            raise UserError(400, "Invalid routing or account number", {"code": "invalid_bank_account"})
        StripeObject.__init__(self)
        self.type = "us_bank_account"
        self.billing_details = billing_details or {}
        self._ach_account_number = number
        self._ach_instant = instant
        self.us_bank_account = {
            "account_holder_type": us_bank_account.get("account_holder_type", "company"),
            "account_type": us_bank_account.get("account_type", "checking"),
            "bank_name": "STRIPE TEST BANK",
            "fingerprint": fingerprint(routing + number),
            "last4": number[-4:],
            "routing_number": routing,
        }
        self.customer = None
        self.metadata = metadata or {}

    PaymentMethod.__init__ = payment_method_init

    seti_init = SetupIntent.__init__

    def setup_intent_init(self, payment_method_types=None, **kwargs):
        types = list(payment_method_types or ["card"])
        seti_init(
            self, payment_method_types=[t for t in types if t != "us_bank_account"] or ["card"], **kwargs
        )
        self.payment_method_types = types

    SetupIntent.__init__ = setup_intent_init

    attach_pm = SetupIntent._attach_pm

    def setup_intent_attach_pm(self, pm):
        if getattr(pm, "type", "") == "us_bank_account" and not pm._ach_instant:
            self.payment_method = pm.id
            self.status = "requires_action"
            self.next_action = {
                "type": "verify_with_microdeposits",
                "verify_with_microdeposits": {
                    "arrival_date": 0,
                    "microdeposit_type": "amounts",
                    "hosted_verification_url": "https://fake/verify",
                },
            }
            return
        attach_pm(self, pm)

    SetupIntent._attach_pm = setup_intent_attach_pm

    def verify_microdeposits(id, amounts=None, descriptor_code=None, client_secret=None, **kwargs):
        seti = SetupIntent._api_retrieve(id)
        if client_secret and client_secret != seti.client_secret:
            raise UserError(401, "Unauthorized")
        if seti.status != "requires_action":
            raise UserError(400, "This SetupIntent does not need microdeposit verification.")
        given = [int(a) for a in (amounts or [])]
        if given != [32, 45] and descriptor_code != "SM11AA":
            raise UserError(
                400,
                "The amounts provided do not match.",
                {"code": "payment_method_microdeposit_verification_amounts_mismatch"},
            )
        seti.status = "succeeded"
        seti.next_action = None
        return seti

    url = "/v1/setup_intents/{id}/verify_microdeposits"
    app.router.add_route("POST", url, api_extra(verify_microdeposits, url))

    initialize_charge = Charge._initialize_charge

    def charge_initialize(self, on_success=None, on_failure_now=None, on_failure_later=None):
        pm = resources.PaymentMethod._api_retrieve(self.payment_method)
        if pm.type == "us_bank_account":
            self.status = "pending"  # the PaymentIntent reads `processing` until the test's webhook
            return
        initialize_charge(self, on_success, on_failure_now, on_failure_later)

    Charge._initialize_charge = charge_initialize


def run_stripe(port: int) -> None:
    from aiohttp import web
    from localstripe.server import app
    from localstripe.webhooks import register_webhook

    us_bank_account_support()

    # localstripe sends its events to our webhook endpoint, signed like Stripe does.
    site = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
    secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_local")
    register_webhook("portal", f"{site}/payments/webhooks/stripe/", secret, None)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


def run_paypal(port: int) -> None:
    from tests.fakes.paypal import serve_forever

    serve_forever(port)


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    {"stripe": run_stripe, "paypal": run_paypal}[kind](port)
