"""PayPal (Orders v2 through paypal-server-sdk) against our fake: approve, cancel, capture failure, reload."""

import urllib.parse
from decimal import Decimal

import pytest
import requests
from django.urls import reverse

from payments.models import Allocation, Payment, PaymentMethod, PaymentStatus
from payments.services import online
from payments.services import online_charge as charge
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(account):
    return [
        InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00")),
        InvoiceFactory(account=account, subtotal=Decimal("4000.00"), tax=Decimal("800.00")),
    ]


def approve(url: str, choice: str = "approve") -> dict:
    """The payer's click on the fake approval page; returns the query PayPal sends back to us."""
    token = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["token"][0]
    base = url.split("/checkoutnow")[0]
    response = requests.post(
        f"{base}/checkoutnow/decide",
        data={"token": token, "choice": choice},
        allow_redirects=False,
        timeout=5,
    )
    location = response.headers["Location"]
    return {
        "path": urllib.parse.urlparse(location).path,
        **dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query)),
    }


def start(payer, account, invoices):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[i.number for i in invoices],
        amount=None,
        method=PaymentMethod.PAYPAL,
        idempotency_key="pp-1",
    )
    url = charge.payment_paypal_approval_url(
        payment=payment, return_url="http://testserver/return", cancel_url="http://testserver/cancel"
    )
    return payment, url


def test_paypal_approved_and_captured_pays_both_invoices(payer, account, invoices, paypal_fake):
    payment, url = start(payer, account, invoices)
    back = approve(url)
    outcome = charge.payment_paypal_capture(payment=payment, order_id=back["token"], actor=payer)
    assert outcome.payment.status == PaymentStatus.SUCCEEDED
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [
        Decimal("3000.00"),
        Decimal("4800.00"),
    ]
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.amount_due == 0


def test_paypal_return_reloaded_captures_once(payer, account, invoices, paypal_fake):
    payment, url = start(payer, account, invoices)
    back = approve(url)
    charge.payment_paypal_capture(payment=payment, order_id=back["token"])
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PENDING)  # a second tab still pending
    again = charge.payment_paypal_capture(payment=payment, order_id=back["token"])
    assert again.payment.status == PaymentStatus.SUCCEEDED
    assert Allocation.objects.count() == 2


def test_reloading_the_approval_redirect_reuses_the_order(payer, account, invoices, paypal_fake):
    payment, url = start(payer, account, invoices)
    _again, url_again = start(payer, account, invoices)
    assert url == url_again and len(paypal_fake.orders) == 1


def test_paypal_cancel_leaves_the_invoices_untouched(payer, account, invoices, paypal_fake):
    payment, url = start(payer, account, invoices)
    back = approve(url, "cancel")
    assert back["path"] == "/cancel"
    charge.payment_paypal_cancel(payment=payment, order_id=back["token"], actor=payer)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert not Allocation.objects.exists()


def test_paypal_capture_failure_shows_why_and_charges_nothing(payer, account, invoices, paypal_fake):
    payment, url = start(payer, account, invoices)
    back = approve(url, "decline")
    outcome = charge.payment_paypal_capture(payment=payment, order_id=back["token"])
    assert outcome.payment.status == PaymentStatus.FAILED
    assert "declined" in outcome.error
    invoices[0].refresh_from_db()
    assert invoices[0].amount_due == Decimal("3000.00")


def test_paypal_token_of_another_order_is_refused(payer, account, invoices, paypal_fake):
    payment, _url = start(payer, account, invoices)
    with pytest.raises(online.PaymentError):
        charge.payment_paypal_capture(payment=payment, order_id="SOMEONE-ELSES")


def test_pay_two_invoices_with_paypal_through_the_pages(client_of, payer, invoices, paypal_fake):
    client = client_of(payer)
    numbers = [i.number for i in invoices]
    response = client.post(
        reverse("payments:pay"), {"invoice": numbers, "method": "paypal", "token": "tok-pp"}
    )
    assert response.status_code == 302 and response.url.startswith(paypal_fake.base_url)
    back = approve(response.url)
    payment = Payment.objects.get()
    assert back["path"] == reverse("payments:paypal_return", args=[payment.reference])
    done = client.get(back["path"], {"token": back["token"], "PayerID": back["PayerID"]})
    assert done.url == reverse("payments:confirmation", args=[payment.reference])
    page = client.get(done.url).content.decode()
    assert all(number in page for number in numbers)


def test_paypal_cancel_page_returns_to_the_pay_page(client_of, payer, invoices, paypal_fake):
    client = client_of(payer)
    response = client.post(
        reverse("payments:pay"),
        {"invoice": [i.number for i in invoices], "method": "paypal", "token": "tok-c"},
    )
    back = approve(response.url, "cancel")
    page = client.get(back["path"], {"token": back["token"]}, follow=True)
    assert "Nothing was charged" in page.content.decode()
    assert Payment.objects.get().status == PaymentStatus.FAILED


def test_approved_order_whose_payer_never_returns_is_captured_by_the_webhook(
    client, payer, account, invoices, paypal_fake
):
    from tests.payments.test_webhooks import post_paypal

    payment, url = start(payer, account, invoices)
    back = approve(url)
    event = {
        "id": "WH-APPROVED-1",
        "event_type": "CHECKOUT.ORDER.APPROVED",
        "resource": {
            "id": back["token"],
            "purchase_units": [{"amount": {"currency_code": payment.currency, "value": str(payment.amount)}}],
        },
    }
    assert post_paypal(client, event).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    # The payer comes back after all: the same capture, allocated once.
    assert (
        charge.payment_paypal_capture(payment=payment, order_id=back["token"]).payment.status == "succeeded"
    )
    assert Allocation.objects.count() == 2


def test_a_payment_cancelled_at_paypal_reads_cancelled_not_failed(client_of, payer, invoices, paypal_fake):
    from payments.holds import invoices_held

    client = client_of(payer)
    response = client.post(
        reverse("payments:pay"),
        {"invoice": [i.number for i in invoices], "method": "paypal", "token": "tok-cx"},
    )
    back = approve(response.url, "cancel")
    client.get(back["path"], {"token": back["token"]})
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED and payment.cancelled_by_payer

    confirmation = client.get(reverse("payments:confirmation", args=[payment.reference])).content.decode()
    history = client.get(reverse("payments:index")).content.decode()
    for page in (confirmation, history):
        assert '<span class="badge badge--cancelled">Cancelled</span>' in page
        assert "badge--failed" not in page
    assert "You cancelled this payment" in confirmation
    assert invoices_held(invoices=invoices) == {}  # released exactly as a failed payment's
