"""The API against its own OpenAPI schema: schemathesis generates requests from the schema (valid ones, and
invalid ones that must be refused) and checks every answer is declared (status, content type, headers,
body schema) and never a server error.

Run through WSGI with schemathesis's module-level loader and Hypothesis directly (its pytest plugin breaks
on pytest 9.2's collection): at least 50 examples per operation and generation mode.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.invoices.factories import CreditMemoFactory, InvoiceFactory, InvoiceLineFactory
from tests.orders.factories import subscription_with_products
from tests.payments.factories import invoice_paid
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = 50


@pytest.fixture
def schema(settings, token):
    """The schema from the WSGI app. Like Django's test client, requests must not close the test's database
    connection (it holds the test transaction): close_old_connections is unhooked meanwhile."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.API_RATE = "100000/min"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django_app = get_wsgi_application()

    def app(environ, start_response):  # a real server always says who is calling (the activity log keeps it)
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return django_app(environ, start_response)

    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", app)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(account, billing_contact, make_token):
    invoice = InvoiceFactory(account=account, number="INV-S1", subtotal=Decimal("5000.00"), tax=0)
    InvoiceLineFactory(invoice=invoice)
    CreditMemoFactory(invoice=invoice, number="CM-S1")
    invoice_paid(InvoiceFactory(account=account, number="INV-S2"), Decimal("1200.00"))
    RewardLotFactory(rewards_account=RewardsAccountFactory(account=account))
    subscription_with_products(
        account=account, products=[("Oracle Integration Cloud", "24000.00", None)], order_number="ORD-S1"
    )
    return make_token(billing_contact, account, role="payer")


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_its_schema_says(schema, token):
    headers = {"Authorization": f"Bearer {token.raw}"}
    operations = _operations(schema)
    assert len(operations) >= 14
    failures = []
    answered: dict[str, set[int]] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy, _=st.just(None))
            def check(case, _):
                response = case.call_and_validate(headers=headers)
                answered.setdefault(operation.label, set()).add(response.status_code)

            try:
                check()
            except Exception as error:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
    # The run reached the views: every read without a path parameter answered 2xx at least once, and the
    # write, given a real invoice (random numbers are 404s), answers 201 as its schema says.
    write = schema["/api/v1/remittance-advices/"]["POST"]
    advice = {"invoice": "INV-S1", "method": "bank_transfer", "paid_on": "2020-01-02", "amount": "2500.00"}
    assert (
        write.Case(body=advice, media_type="application/json").call_and_validate(headers=headers).status_code
        == 201
    )
    for operation in operations:
        if "{" not in operation.path and operation.method.upper() == "GET":
            assert any(200 <= code < 300 for code in answered[operation.label]), (operation.label, answered)
