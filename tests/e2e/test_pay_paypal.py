"""Browser: pay two invoices with PayPal through the fake approval page."""

import copy
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.invoices.factories import InvoiceFactory
from tests.payments import conftest as payment_fixtures
from tests.payments.conftest import payment_options_seed

# The provider fakes' fixtures live with the payments tests; the browser tests use the same ones.
paypal_server = payment_fixtures.paypal_server
paypal_fake = payment_fixtures.paypal_fake

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paypal_page_settings(paypal_fake, settings):
    payment_options_seed()
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], paypal_fake.base_url]
    settings.CONTENT_SECURITY_POLICY = policy
    return paypal_fake


def test_pay_two_invoices_with_paypal(
    sign_in, payer, account, live_server, paypal_page_settings, artifacts_dir
):
    first = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    second = InvoiceFactory(account=account, subtotal=Decimal("4000.00"), tax=Decimal("800.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/invoices/")
    page.get_by_label(f"Select invoice {first.number}").check()
    page.get_by_label(f"Select invoice {second.number}").check()
    page.get_by_role("button", name="Pay selected").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay 2 invoices")
    page.get_by_label("PayPal").check()
    page.screenshot(path=artifacts_dir / "pay-two-invoices.png", full_page=True)
    page.get_by_test_id("pay-continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PayPal (local fake)")
    expect(page.locator("body")).to_contain_text("7800.00 USD")
    page.get_by_role("button", name="Approve and pay").click()
    page.wait_for_url("**/payments/confirmation/**")
    table = page.get_by_test_id("confirmation-invoices")
    expect(table).to_contain_text(first.number)
    expect(table).to_contain_text(second.number)
    expect(table.locator("tr", has_text="Closed")).to_have_count(2)
    page.screenshot(path=artifacts_dir / "pay-paypal-confirmation.png", full_page=True)


def test_a_smaller_amount_updates_the_methods_offered(
    sign_in, payer, account, live_server, paypal_page_settings
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    expect(page.get_by_label("PayPal")).to_be_visible()
    page.get_by_label("Amount to pay").fill("1500.00")
    page.get_by_label("Amount to pay").press("Tab")
    expect(page.get_by_test_id("policy-note")).to_contain_text("can only be paid by card")
    expect(page.get_by_label("PayPal")).to_have_count(0)
    expect(page.get_by_label("Amount to pay")).to_have_value("1500.00")
