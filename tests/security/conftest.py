from tests.payments.conftest import paypal_fake, paypal_server  # noqa: F401 — PayPal fake for the webhook tests
