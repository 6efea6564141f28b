"""Browser: pay an invoice by card through Stripe.js (localstripe's stand-in), see the confirmation and the closed invoice."""

import copy
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from payments.models import Payment, PaymentStatus
from tests.invoices.factories import InvoiceFactory
from tests.payments import conftest as payment_fixtures
from tests.payments.conftest import payment_options_seed

# The provider fakes' fixtures live with the payments tests; the browser tests use the same ones.
localstripe_server = payment_fixtures.localstripe_server
localstripe = payment_fixtures.localstripe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_page_settings(localstripe, settings):
    """Stripe.js from the test localstripe, allowed by the Content-Security-Policy like the real one."""
    payment_options_seed()
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    for directive in ("script-src", "frame-src", "connect-src"):
        policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], localstripe]
    settings.CONTENT_SECURITY_POLICY = policy
    return localstripe


def fill_card(page, number):
    page.get_by_placeholder("number").fill(number)
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("30")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("94105")


def test_pay_an_invoice_by_card_and_see_it_closed(
    sign_in, payer, account, live_server, stripe_page_settings, artifacts_dir
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/invoices/{invoice.number}/")
    page.get_by_test_id("pay").click()
    page.get_by_label("Card").check()
    page.get_by_test_id("pay-continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    fill_card(page, "4242424242424242")
    page.screenshot(path=artifacts_dir / "pay-card.png", full_page=True)
    page.get_by_test_id("pay-card-submit").click()
    page.wait_for_url("**/payments/confirmation/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your payment is received")
    payment = Payment.objects.get()
    expect(page.get_by_test_id("payment-reference")).to_have_text(payment.reference)
    table = page.get_by_test_id("confirmation-invoices")
    expect(table).to_contain_text(invoice.number)
    expect(table).to_contain_text("$3,000.00")
    expect(table).to_contain_text("Closed")
    page.screenshot(path=artifacts_dir / "pay-card-confirmation.png", full_page=True)
    page.goto(f"{live_server.url}/invoices/")
    expect(page.locator("tr", has_text=invoice.number)).to_contain_text("Closed")
    assert payment.status == PaymentStatus.SUCCEEDED


def test_card_with_3d_secure_in_the_browser(sign_in, payer, account, live_server, stripe_page_settings):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    page.get_by_test_id("pay-continue").click()  # under 2 000 USD: card is the only method, already chosen
    fill_card(page, "4000002500003155")
    page.get_by_test_id("pay-card-submit").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/payments/confirmation/**")
    expect(page.get_by_test_id("confirmation-invoices")).to_contain_text("Closed")


def count_three_d_secure_windows(page) -> list[dict]:
    """Every 3-D Secure window the Stripe.js stand-in opens in this tab, across page loads: it dispatches
    `localstripe:three-d-secure` (portal/fakes_stripe.js), which each page forwards to the test."""
    windows: list[dict] = []
    page.expose_function("threeDSecureOpened", lambda detail: windows.append(detail))
    page.add_init_script(
        'window.addEventListener("localstripe:three-d-secure", (e) => window.threeDSecureOpened(e.detail));'
    )
    return windows


def complete_every_three_d_secure_window(
    page, windows: list[dict], *, until: str, timeout: float = 20
) -> None:
    """Click "Complete authentication" in each window as its event arrives, until the page reaches `until`.

    Both ends are final: a window stays open until it is answered, the confirmation page is the last."""
    answered, deadline = 0, time.monotonic() + timeout
    while until not in page.url:
        if len(windows) > answered:
            page.get_by_role("button", name="Complete authentication").click()
            answered += 1
        elif time.monotonic() > deadline:
            raise AssertionError(f"{until} not reached after {answered} 3-D Secure windows: {page.url}")
        else:
            page.wait_for_timeout(50)  # lets Playwright deliver the page's events


def test_card_with_3d_secure_asks_to_authenticate_once(
    sign_in, payer, account, live_server, stripe_page_settings
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    page = sign_in(payer)
    windows = count_three_d_secure_windows(page)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    page.get_by_test_id("pay-continue").click()
    fill_card(page, "4000002500003155")
    page.get_by_test_id("pay-card-submit").click()
    complete_every_three_d_secure_window(page, windows, until="/payments/confirmation/")
    expect(page.get_by_test_id("confirmation-invoices")).to_contain_text("Closed")
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert windows == [{"intent": payment.provider_reference}]


def test_declined_card_shows_the_reason_in_the_browser(
    sign_in, payer, account, live_server, stripe_page_settings
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    page.get_by_test_id("pay-continue").click()
    fill_card(page, "4000000000000341")
    page.get_by_test_id("pay-card-submit").click()
    expect(page.get_by_test_id("pay-error")).to_have_text("Your card was declined.")
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("1000.00")


def test_pay_by_sepa_direct_debit_with_a_mandate(sign_in, live_server, stripe_page_settings):
    from tests.factories import CustomerAccountFactory, MembershipFactory

    lumiere = CustomerAccountFactory(country="FR", currency="EUR")
    contact = MembershipFactory(account=lumiere, role="billing_contact").user
    invoice = InvoiceFactory(account=lumiere, subtotal=Decimal("5000.00"), tax=Decimal("1000.00"))
    page = sign_in(contact)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    page.get_by_label("SEPA direct debit").check()
    page.get_by_test_id("pay-continue").click()
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_test_id("pay-debit-submit").click()
    expect(page.locator("[data-stripe-error]")).to_contain_text("Accept the mandate")
    page.get_by_label("I accept the direct debit mandate above.").check()
    page.get_by_test_id("pay-debit-submit").click()
    page.wait_for_url("**/payments/confirmation/**")
    expect(page.get_by_test_id("confirmation-invoices")).to_contain_text(invoice.number)
    expect(page.get_by_test_id("confirmation")).to_contain_text("SEPA direct debit")


def test_billing_contact_saves_a_card_for_automatic_payment(
    sign_in, billing_contact, live_server, stripe_page_settings, artifacts_dir
):
    page = sign_in(billing_contact)
    page.goto(f"{live_server.url}/payments/autopay/")
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Save the card and switch automatic payment on").click()
    expect(page.get_by_test_id("autopay-state")).to_contain_text("On")
    expect(page.get_by_test_id("autopay-method")).to_contain_text("4242")
    page.screenshot(path=artifacts_dir / "autopay.png", full_page=True)
    page.get_by_role("button", name="Switch automatic payment off").click()
    expect(page.get_by_test_id("autopay-state")).to_contain_text("Off")


def test_3d_secure_window_closed_then_cancel_the_attempt_and_pay_again(
    sign_in, payer, account, live_server, stripe_page_settings, artifacts_dir
):
    """The payer closes the 3-D Secure window and comes back: the pay page shows the attempt holding the
    invoice, they cancel it (at Stripe first) and pay again: one charge, the invoice closed."""
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    page = sign_in(payer)
    pay_url = f"{live_server.url}/payments/pay/?invoice={invoice.number}"
    page.goto(pay_url)
    page.get_by_test_id("pay-continue").click()
    fill_card(page, "4000002500003155")
    page.get_by_test_id("pay-card-submit").click()
    expect(page.get_by_role("button", name="Complete authentication")).to_be_visible()  # 3-D Secure
    first = Payment.objects.get()
    page.goto(pay_url)  # the payer closed the window and came back to pay

    attempts = page.get_by_test_id("attempts-in-flight")
    expect(attempts).to_contain_text(first.reference)
    expect(attempts).to_contain_text("$1,000.00")
    expect(attempts).to_contain_text("you")
    expect(page.get_by_test_id("pay-continue")).to_have_count(0)  # nothing is left to pay until it ends
    page.screenshot(path=artifacts_dir / "pay-card-attempt-in-flight.png", full_page=True)
    page.get_by_test_id("cancel-attempt").click()
    expect(page.locator(".messages")).to_contain_text(f"You cancelled the attempt {first.reference}")
    expect(page.get_by_test_id("attempts-in-flight")).to_have_count(0)

    page.get_by_test_id("pay-continue").click()
    fill_card(page, "4242424242424242")
    page.get_by_test_id("pay-card-submit").click()
    page.wait_for_url("**/payments/confirmation/**")
    expect(page.get_by_test_id("confirmation-invoices")).to_contain_text("Closed")

    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    intents = {pi["id"]: pi for pi in payment_fixtures.StripeBrowser(stripe_page_settings).payment_intents()}
    assert intents[first.provider_reference]["status"] == "canceled"
    assert [pi["amount"] for pi in intents.values() if pi["status"] == "succeeded"] == [100000]
    invoice.refresh_from_db()
    assert invoice.amount_due == 0


def test_an_incomplete_card_stays_on_the_page_and_change_amount_frees_the_invoice(
    sign_in, payer, account, live_server, stripe_page_settings
):
    """A card field left incomplete never reaches the payment (Stripe.js says so on the page); "Change amount
    or method" cancels the attempt at Stripe, so the invoice is payable again at once."""
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/payments/pay/?invoice={invoice.number}")
    page.get_by_test_id("pay-continue").click()
    fill_card(page, "4242")
    page.get_by_test_id("pay-card-submit").click()
    expect(page.locator("[data-stripe-error]")).to_have_text("Your card details are incomplete or invalid.")
    expect(page.get_by_test_id("pay-card-submit")).to_be_enabled()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING

    page.get_by_test_id("pay-card-change").click()
    expect(page.locator(".messages")).to_contain_text(f"You cancelled the attempt {payment.reference}")
    expect(page.get_by_test_id("attempts-in-flight")).to_have_count(0)
    expect(page.get_by_test_id("pay-continue")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    [intent] = payment_fixtures.StripeBrowser(stripe_page_settings).payment_intents()
    assert intent["id"] == payment.provider_reference and intent["status"] == "canceled"
