"""Local stand-ins for the payment providers, for `make run` and the tests (loopback only).

python -m portal.fakes stripe 8420   # localstripe, the community fake of Stripe's API and Stripe.js
python -m portal.fakes paypal 8421   # our fake of PayPal's Orders v2 API (tests/fakes/paypal.py)
"""

from __future__ import annotations

import os
import sys


def run_stripe(port: int) -> None:
    from aiohttp import web
    from localstripe.server import app
    from localstripe.webhooks import register_webhook

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
