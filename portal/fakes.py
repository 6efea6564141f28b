"""Local stand-ins for the payment providers, for `make run` and the tests (loopback only).

python -m portal.fakes stripe 8420   # localstripe, the community fake of Stripe's API and Stripe.js
python -m portal.fakes paypal 8421   # our fake of PayPal's Orders v2 API (tests/fakes/paypal.py)
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


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


STRIPE_JS_EXTENSION = Path(__file__).with_name("fakes_stripe.js")
PI_CONFIRM = re.compile(r"^/v1/payment_intents/(?P<id>pi_\w+)/confirm$")
PI_RETRIEVE = re.compile(r"^/v1/payment_intents/(?P<id>pi_\w+)$")


def card_payment_support() -> None:
    """Teach localstripe what Stripe.js's `confirmCardPayment(client_secret, {payment_method: {card}})` does
    against real Stripe, so that a PaymentIntent created by our server is confirmed once in the browser:

    - POST /v1/payment_intents/{id}/confirm accepts the publishable key with the intent's client secret, and
      a `payment_method` (id) or `payment_method_data` (card details): the test card number decides, as in
      Stripe's test mode: 4242… is charged at once, 4000002500003155 and 4000000000003220 ask for 3-D Secure
      (once), decline cards (…0002, …0341) leave the intent `requires_payment_method` with the decline as
      `last_payment_error`; an invalid card is a `validation_error` that leaves the intent untouched;
      `setup_future_usage` is recorded on the intent (the card stays on the customer);
    - GET /v1/payment_intents/{id} with the publishable key and the client secret (Stripe.js reads it);
    - Stripe.js's stand-in (localstripe's, with fakes_stripe.js appended): confirmCardPayment with card
      details, and a `localstripe:three-d-secure` event on window each time a 3-D Secure window opens;
    - GET /_config/three_d_secure?payment_reference=… lists the 3-D Secure challenges the fake issued for
      the intents (payment and setup) whose metadata carry that payment reference: what the tests count.
    """
    import localstripe
    from aiohttp import web
    from localstripe.errors import UserError
    from localstripe.resources import PaymentIntent, PaymentMethod, SetupIntent, store
    from localstripe.server import app, auth_middleware, get_api_key, get_post_data, json_response

    # Stripe declines these cards when charging too, not only when saving them.
    charging_is_declined = PaymentMethod._charging_is_declined
    PaymentMethod._charging_is_declined = lambda self: (
        charging_is_declined(self) or self._attaching_is_declined()
    )

    def counting_challenges(method):
        def wrapper(self, *args, **kwargs):
            result = method(self, *args, **kwargs)
            if (self.next_action or {}).get("type") == "use_stripe_sdk":
                self._three_d_secure_challenges = getattr(self, "_three_d_secure_challenges", 0) + 1
            return result

        return wrapper

    PaymentIntent._confirm = counting_challenges(PaymentIntent._confirm)
    SetupIntent._attach_pm = counting_challenges(SetupIntent._attach_pm)

    def intent_for_browser(intent_id: str, client_secret: object) -> PaymentIntent:
        intent = PaymentIntent._api_retrieve(intent_id)
        if client_secret != intent.client_secret:
            raise UserError(401, "Unauthorized")
        return intent

    def payment_intent_confirm(
        intent: PaymentIntent,
        payment_method: str | None = None,
        payment_method_data: dict | None = None,
        client_secret: str | None = None,
        use_stripe_sdk: object = None,
        return_url: str | None = None,
        setup_future_usage: str | None = None,
        **kwargs,
    ) -> PaymentIntent:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        if client_secret is not None and client_secret != intent.client_secret:
            raise UserError(401, "Unauthorized")
        if intent.status not in ("requires_payment_method", "requires_confirmation"):
            raise UserError(
                400,
                f"You cannot confirm this PaymentIntent because it has a status of {intent.status}.",
                {"code": "payment_intent_unexpected_state", "payment_intent": intent._export()},
            )
        if payment_method_data is not None:
            try:
                method = PaymentMethod(**payment_method_data)
            except UserError:  # what Stripe.js finds in its card field before calling Stripe
                invalid = UserError(
                    400, "Your card details are incomplete or invalid.", {"code": "invalid_card"}
                )
                invalid.body["error"]["type"] = "validation_error"
                raise invalid from None
            method.customer = intent.customer
            intent.payment_method = method.id
        elif payment_method is not None:
            intent.payment_method = PaymentMethod._api_retrieve(payment_method).id
        elif intent.payment_method is None:
            raise UserError(
                400, "You must provide a payment method.", {"code": "payment_intent_unexpected_state"}
            )
        if setup_future_usage is not None:
            if setup_future_usage not in ("off_session", "on_session"):
                raise UserError(400, "Bad request")
            intent.setup_future_usage = setup_future_usage  # the card stays attached to the customer
        try:
            intent._confirm(on_failure_now=intent._report_failure)
        except UserError as error:  # declined: the intent waits for another payment method, as at Stripe
            error.body["error"].update(type="card_error", payment_intent=intent._export())
            raise
        return intent

    @web.middleware
    async def portal_stripe(request, handler):
        """In place of localstripe's auth middleware: our Stripe.js stand-in, and the calls Stripe.js makes with
        the publishable key; everything else goes through localstripe's own authentication."""
        if request.method == "GET" and request.path == "/js.stripe.com/v3/":
            scripts = [Path(localstripe.__file__).with_name("localstripe-v3.js"), STRIPE_JS_EXTENSION]
            return web.Response(
                text="\n".join(path.read_text() for path in scripts), content_type="application/javascript"
            )
        confirm = PI_CONFIRM.match(request.path) if request.method == "POST" else None
        retrieve = PI_RETRIEVE.match(request.path) if request.method == "GET" else None
        if confirm is None and retrieve is None:
            return await auth_middleware(request, handler)
        data = dict(await get_post_data(request, remove_auth=False) or {}) if confirm else dict(request.query)
        key = str(data.pop("key", ""))
        secret_key = get_api_key(request) is not None
        if not secret_key and not key.startswith("pk_"):
            raise UserError(401, "Unauthorized")
        if retrieve is not None:
            if secret_key:
                return await auth_middleware(request, handler)
            intent = intent_for_browser(retrieve["id"], data.get("client_secret"))
            return json_response(intent._export())
        intent = PaymentIntent._api_retrieve(confirm["id"])
        if not secret_key:
            intent_for_browser(confirm["id"], data.get("client_secret"))
        data.pop("payment_user_agent", None)
        data.pop("expand", None)
        return json_response(payment_intent_confirm(intent, **data)._export())

    app.middlewares[list(app.middlewares).index(auth_middleware)] = portal_stripe

    async def three_d_secure_challenges(request):
        reference = request.query.get("payment_reference", "")
        challenges = [
            {"object": obj.object, "id": obj.id}
            for obj in list(store.values())
            if isinstance(obj, PaymentIntent | SetupIntent)
            and (obj.metadata or {}).get("payment_reference") == reference
            for _challenge in range(getattr(obj, "_three_d_secure_challenges", 0))
        ]
        return json_response({"challenges": challenges})

    app.router.add_get("/_config/three_d_secure", three_d_secure_challenges)


def run_stripe(port: int) -> None:
    from aiohttp import web
    from localstripe.server import app
    from localstripe.webhooks import register_webhook

    us_bank_account_support()
    card_payment_support()

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
