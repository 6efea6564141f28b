"""Pay again after closing 3-D Secure or PayPal: the pay page shows the attempts that hold the selection and
cancels one at the payer's request, at the provider first (payments.services.abandoned.payment_attempt_cancel).

Against localstripe and the PayPal fake: one charge only, never a second payment for the same money.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ActivityEntry
from payments.models import AccountCredit, Payment, PaymentEvent, PaymentMethod, PaymentStatus
from payments.services import online
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.payments import conftest as payment_fixtures
from tests.payments.test_paypal import approve

# The provider fakes' fixtures live with the payments tests; these tests use the same ones.
localstripe_server = payment_fixtures.localstripe_server
localstripe = payment_fixtures.localstripe
stripe_browser = payment_fixtures.stripe_browser
paypal_server = payment_fixtures.paypal_server
paypal_fake = payment_fixtures.paypal_fake
_payment_options_present = payment_fixtures._payment_options_present

pytestmark = pytest.mark.django_db

THREE_D_SECURE = "4000002500003155"


def pay_url(invoice) -> str:
    return reverse("payments:pay") + f"?invoice={invoice.number}"


def cancel_url(payment) -> str:
    return reverse("payments:pay_attempt_cancel", args=[payment.reference])


def submit(client, invoice, method: str, token: str):
    return client.post(
        reverse("payments:pay"),
        {"invoice": invoice.number, "amount": str(invoice.amount_due), "method": method, "token": token},
    )


def card_3ds_left_open(client, invoice, stripe_browser, token="tab-1") -> tuple[Payment, str]:
    """Card 4000002500003155 through the pages up to the 3-D Secure window, which the payer then closes.
    Returns the payment and the PaymentIntent's client secret (the window's)."""
    response = submit(client, invoice, "card", token)
    payment = Payment.objects.get(idempotency_key=f"cc-{token}")
    assert response.url == reverse("payments:pay_card", args=[payment.reference])
    secret = client.get(response.url).context["payment_secret"]
    intent = stripe_browser.confirm_payment_with_card(secret, THREE_D_SECURE)
    assert intent["status"] == "requires_action"  # the 3-D Secure window opens
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.provider_reference == intent["id"]
    return payment, secret


def pay_by_card(client, invoice, stripe_browser, token="tab-2"):
    response = submit(client, invoice, "card", token)
    payment = Payment.objects.get(idempotency_key=f"cc-{token}")
    stripe_browser.confirm_payment_with_card(client.get(response.url).context["payment_secret"])
    done = client.post(reverse("payments:pay_card_complete", args=[payment.reference]))
    assert done.url.startswith("/payments/confirmation/")
    payment.refresh_from_db()
    return payment


def intents(stripe_browser) -> dict[str, str]:
    return {pi["id"]: pi["status"] for pi in stripe_browser.payment_intents()}


def charged(stripe_browser) -> list[int]:
    return [pi["amount"] for pi in stripe_browser.payment_intents() if pi["status"] == "succeeded"]


@pytest.fixture
def small_invoice(account):
    return InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))


@pytest.fixture
def large_invoice(account):
    """Over the card-only limit: PayPal is offered."""
    return InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))


# --- card awaiting 3-D Secure -------------------------------------------------------------------------


def test_a_3d_secure_window_closed_is_cancelled_from_the_pay_page_and_paid_again_once(
    client_of, payer, account, small_invoice, stripe_browser
):
    client = client_of(payer)
    first, _secret = card_3ds_left_open(client, small_invoice, stripe_browser)

    page = client.get(pay_url(small_invoice))
    html = page.content.decode()
    assert page.context["blocked"]  # "Nothing is left to pay": the attempt holds the whole balance
    attempts = page.context["attempts"]
    assert [a.reference for a in attempts] == [first.reference]
    assert attempts[0].cancellable and attempts[0].started_by == "you"
    assert first.reference in html and 'data-testid="attempts-in-flight"' in html
    assert cancel_url(first) in html and "Cancel this attempt and pay again" in html
    assert "$1,000.00" in html

    response = client.post(cancel_url(first), {"next": pay_url(small_invoice)})
    assert response.status_code == 302 and response.url == pay_url(small_invoice)
    assert intents(stripe_browser)[first.provider_reference] == "canceled"  # at the provider first
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED  # then the hold is released
    entry = ActivityEntry.objects.get(action="payment.attempt_cancelled")
    assert entry.actor == payer and entry.target == first.reference

    again = client.get(pay_url(small_invoice))
    assert not again.context.get("blocked") and not again.context["attempts"]
    assert "You cancelled the attempt" in again.content.decode()
    second = pay_by_card(client, small_invoice, stripe_browser)
    assert second.status == PaymentStatus.SUCCEEDED
    small_invoice.refresh_from_db()
    assert small_invoice.amount_due == 0 and small_invoice.status == "closed"
    assert charged(stripe_browser) == [100000]  # one charge only
    assert not AccountCredit.objects.exists()


def test_a_3d_secure_completed_before_the_cancel_is_applied_not_cancelled(
    client_of, payer, account, small_invoice, stripe_browser
):
    """The payer finished 3-D Secure, then closed the tab before it reported back: Stripe has the money."""
    client = client_of(payer)
    first, secret = card_3ds_left_open(client, small_invoice, stripe_browser)
    stripe_browser.confirm_card_payment(secret, success=True)
    response = client.post(cancel_url(first), {"next": pay_url(small_invoice)})
    assert response.status_code == 302
    first.refresh_from_db()
    small_invoice.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED and small_invoice.amount_due == 0
    assert charged(stripe_browser) == [100000]
    assert "was already completed" in client.get(response.url).content.decode()


def test_the_window_left_open_can_no_longer_charge_after_the_cancel(
    client_of, payer, account, small_invoice, stripe_browser
):
    client = client_of(payer)
    first, secret = card_3ds_left_open(client, small_invoice, stripe_browser)
    client.post(cancel_url(first))
    stripe_browser.confirm_card_payment(secret, success=True)  # the old window, completed late
    client.post(reverse("payments:pay_card_complete", args=[first.reference]))
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    assert charged(stripe_browser) == []


def test_a_double_click_cancels_once(client_of, payer, account, small_invoice, stripe_browser):
    client = client_of(payer)
    first, _secret = card_3ds_left_open(client, small_invoice, stripe_browser)
    for _click in range(2):
        assert client.post(cancel_url(first), {"next": pay_url(small_invoice)}).status_code == 302
    assert ActivityEntry.objects.filter(action="payment.attempt_cancelled").count() == 1
    assert PaymentEvent.objects.filter(payment=first, to_status=PaymentStatus.FAILED).count() == 1
    assert intents(stripe_browser)[first.provider_reference] == "canceled"


def test_an_attempt_that_never_reached_stripe_is_cancelled_without_a_provider_call(
    client_of, payer, account, small_invoice
):
    """The payer left at the card form: no PaymentIntent exists, nothing at Stripe can charge it."""
    client = client_of(payer)
    submit(client, small_invoice, "card", "tab-1")
    first = Payment.objects.get()
    assert client.get(pay_url(small_invoice)).context["attempts"][0].cancellable
    client.post(cancel_url(first))
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    assert client.get(pay_url(small_invoice)).context["form"] is not None


# --- PayPal ----------------------------------------------------------------------------------------------


def paypal_left_open(client, invoice, token="pp-1") -> tuple[Payment, str]:
    """PayPal chosen; the payer is sent to PayPal and closes the window without approving."""
    response = submit(client, invoice, "paypal", token)
    payment = Payment.objects.get(idempotency_key=f"cc-{token}")
    assert "/checkoutnow" in response.url
    return payment, response.url


def paypal_return(client, payment, query: dict):
    return client.get(reverse("payments:paypal_return", args=[payment.reference]), {"token": query["token"]})


def test_a_paypal_order_never_approved_is_given_up_and_paid_again_once(
    client_of, payer, account, large_invoice, paypal_fake
):
    client = client_of(payer)
    first, first_url = paypal_left_open(client, large_invoice)
    page = client.get(pay_url(large_invoice))
    assert page.context["blocked"]
    (attempt,) = page.context["attempts"]
    assert attempt.reference == first.reference and attempt.cancellable
    assert "PayPal" in page.content.decode()

    client.post(cancel_url(first), {"next": pay_url(large_invoice)})
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    assert paypal_fake.orders[first.provider_reference]["status"] == "PAYER_ACTION_REQUIRED"  # nothing moved

    second, second_url = paypal_left_open(client, large_invoice, token="pp-2")
    assert paypal_return(client, second, approve(second_url)).url.startswith("/payments/confirmation/")
    second.refresh_from_db()
    large_invoice.refresh_from_db()
    assert second.status == PaymentStatus.SUCCEEDED and large_invoice.amount_due == 0

    # The first window, approved late: its order is never captured (our row says it is over).
    paypal_return(client, first, approve(first_url))
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED
    completed = [order for order in paypal_fake.orders.values() if order["status"] == "COMPLETED"]
    assert [order["id"] for order in completed] == [second.provider_reference]
    assert not AccountCredit.objects.exists()


def test_an_approved_paypal_order_is_captured_not_paid_twice(
    client_of, payer, account, large_invoice, paypal_fake
):
    """The payer approved in PayPal, then closed the window before coming back: they meant to pay."""
    client = client_of(payer)
    first, url = paypal_left_open(client, large_invoice)
    approve(url)  # never comes back to our return page
    page = client.get(pay_url(large_invoice))
    assert page.context["attempts"][0].cancellable
    response = client.post(cancel_url(first), {"next": pay_url(large_invoice)})
    first.refresh_from_db()
    large_invoice.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED and large_invoice.amount_due == 0
    assert paypal_fake.orders[first.provider_reference]["status"] == "COMPLETED"
    after = client.get(response.url)
    assert "was already completed" in after.content.decode()
    assert not after.context["attempts"]
    assert Payment.objects.count() == 1  # not a second payment


# --- what may be cancelled, and by whom -------------------------------------------------------------------


@pytest.fixture
def lumiere():
    return CustomerAccountFactory(country="FR", currency="EUR")


def test_a_debit_processing_shows_no_cancel_button_and_cannot_be_cancelled(client_of, lumiere):
    contact = MembershipFactory(account=lumiere, role="billing_contact").user
    invoice = InvoiceFactory(account=lumiere, subtotal=Decimal("5000.00"), tax=Decimal("1000.00"))
    debit = online.payment_start(
        user=contact,
        account=lumiere,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.SEPA_DEBIT,
        idempotency_key="sepa-1",
    )
    online.payment_mark_processing(payment=debit)
    client = client_of(contact)
    page = client.get(pay_url(invoice))
    (attempt,) = page.context["attempts"]
    assert attempt.reference == debit.reference and not attempt.cancellable
    html = page.content.decode()
    assert debit.reference in html and cancel_url(debit) not in html
    response = client.post(cancel_url(debit), {"next": pay_url(invoice)})
    assert response.status_code == 302
    debit.refresh_from_db()
    assert debit.status == PaymentStatus.PROCESSING
    assert "cannot be cancelled" in client.get(response.url).content.decode()
    assert not ActivityEntry.objects.filter(action="payment.attempt_cancelled").exists()


def test_another_accounts_payment_reference_is_not_found(client_of, payer, outsider, other_account):
    theirs = InvoiceFactory(account=other_account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    payment = online.payment_start(
        user=outsider,
        account=other_account,
        invoice_numbers=[theirs.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="theirs",
    )
    assert client_of(payer).post(cancel_url(payment)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_viewer_may_not_cancel(client_of, payer, viewer, account, small_invoice):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[small_invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="tab-1",
    )
    assert client_of(viewer).post(cancel_url(payment)).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_the_cancel_is_a_post_with_a_csrf_token(payer, account, small_invoice):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[small_invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="tab-1",
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(payer)
    assert client.get(cancel_url(payment)).status_code == 405
    assert client.post(cancel_url(payment)).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_who_started_an_attempt_is_shown_only_as_far_as_the_viewer_may_see(
    client_of, payer, billing_contact, account, small_invoice
):
    """A payer sees "you" or "another team member"; the billing contact, who manages the team, sees names."""
    teammate = MembershipFactory(account=account, role="payer").user
    teammate.first_name, teammate.last_name = "Ada", "Lovelace"
    teammate.save()
    online.payment_start(
        user=teammate,
        account=account,
        invoice_numbers=[small_invoice.number],
        amount=Decimal("400.00"),
        method=PaymentMethod.CARD,
        idempotency_key="teammate",
    )
    online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[small_invoice.number],
        amount=Decimal("300.00"),
        method=PaymentMethod.CARD,
        idempotency_key="mine",
    )
    as_payer = client_of(payer).get(pay_url(small_invoice))
    assert sorted(a.started_by for a in as_payer.context["attempts"]) == ["another team member", "you"]
    assert "Ada Lovelace" not in as_payer.content.decode()
    as_contact = client_of(billing_contact).get(pay_url(small_invoice))
    assert sorted(a.started_by for a in as_contact.context["attempts"]) == sorted(
        ["Ada Lovelace", str(payer)]
    )
    assert not as_payer.context.get("blocked")  # 300.00 is still payable: the form stays, the list shows why


def test_the_attempts_and_the_cancel_button_are_in_french_for_a_french_reader(
    client_of, payer, account, small_invoice
):
    client = client_of(payer)
    submit(client, small_invoice, "card", "tab-1")
    html = client.get(pay_url(small_invoice), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Un paiement en cours sur cette sélection" in html
    assert "Annuler cette tentative et payer à nouveau" in html and "vous" in html
    first = Payment.objects.get()
    response = client.post(cancel_url(first), {"next": pay_url(small_invoice)}, HTTP_ACCEPT_LANGUAGE="fr")
    after = client.get(response.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Vous avez annulé la tentative {first.reference}" in after


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_cancel_once(payer, account, stripe_browser):
    """Two requests racing on their own connections: the payment row's lock lets one end the attempt at
    Stripe; the other waits, then finds it over."""
    from payments.services import online_charge as charge
    from payments.services.abandoned import payment_attempt_cancel
    from tests.payments.test_concurrency import race

    invoice = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="tab-1",
    )
    intent = stripe_browser.confirm_payment_with_card(
        charge.payment_card_intent(payment=payment).client_secret, THREE_D_SECURE
    )
    assert intent["status"] == "requires_action"
    results = race(2, lambda _i: payment_attempt_cancel(payment=payment, actor=payer))
    assert [result.status for result in results] == [PaymentStatus.FAILED, PaymentStatus.FAILED]
    assert ActivityEntry.objects.filter(action="payment.attempt_cancelled").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, to_status=PaymentStatus.FAILED).count() == 1
    payment.refresh_from_db()
    assert intents(stripe_browser)[payment.provider_reference] == "canceled"
