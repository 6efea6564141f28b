"""Card payments against localstripe: success, decline, 3-D Secure, double submit, and the pay pages."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ActivityEntry
from payments.models import Allocation, Payment, PaymentMethod, PaymentStatus
from payments.services import online
from payments.services import online_charge as charge
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

DECLINED_AT_CHARGE = "4000000000000341"
DECLINED_GENERIC = "4000000000000002"
THREE_D_SECURE = "4000002500003155"
THREE_D_SECURE_REQUIRED = "4000000000003220"


@pytest.fixture
def invoice(account):
    return InvoiceFactory(account=account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))


def start(user, account, invoices, method=PaymentMethod.CARD, amount=None, key="form-1"):
    return online.payment_start(
        user=user,
        account=account,
        invoice_numbers=[i.number for i in invoices],
        amount=amount,
        method=method,
        idempotency_key=key,
    )


def pay_by_card(payment, stripe_browser, number="4242424242424242", actor=None):
    """What the card page does: our PaymentIntent, confirmed by Stripe.js with the card (a 3-D Secure window
    it opens is left for the test to answer), then the outcome read back (pay_card_complete)."""
    intent = charge.payment_card_intent(payment=payment, actor=actor)
    stripe_browser.confirm_payment_with_card(intent.client_secret, number)
    return charge.payment_stripe_refresh(payment=payment, actor=actor)


def test_card_payment_closes_the_invoice_and_sends_a_confirmation(
    payer, account, invoice, stripe_browser, django_capture_on_commit_callbacks
):
    payment = start(payer, account, [invoice])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay_by_card(payment, stripe_browser, actor=payer)
    assert outcome.payment.status == PaymentStatus.SUCCEEDED and not outcome.error
    invoice.refresh_from_db()
    assert invoice.amount_due == 0 and invoice.status == "closed"
    assert Allocation.objects.get(payment=payment).amount == Decimal("3000.00")
    assert outcome.payment.provider_reference.startswith("pi_")
    actions = set(ActivityEntry.objects.filter(account=account).values_list("action", flat=True))
    assert {"payment.started", "payment.succeeded", "payment.allocated"} <= actions
    assert len(mail.outbox) == 1 and payment.reference in mail.outbox[0].subject
    assert payer.email in mail.outbox[0].to


@pytest.mark.parametrize("number", [DECLINED_AT_CHARGE, DECLINED_GENERIC])
def test_declined_card_shows_the_bank_reason_and_leaves_the_invoice_untouched(
    payer, account, invoice, stripe_browser, number
):
    payment = start(payer, account, [invoice])
    outcome = pay_by_card(payment, stripe_browser, number=number)
    assert outcome.payment.status == PaymentStatus.FAILED
    assert outcome.error == "Your card was declined."
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("3000.00")
    assert not Allocation.objects.exists()
    assert ActivityEntry.objects.filter(action="payment.failed").count() == 1
    assert mail.outbox == []


def test_three_d_secure_is_completed_in_the_browser(payer, account, invoice, stripe_browser):
    payment = start(payer, account, [invoice])
    outcome = pay_by_card(payment, stripe_browser, number=THREE_D_SECURE)
    assert outcome.payment.status == PaymentStatus.PENDING and outcome.client_secret
    stripe_browser.confirm_card_payment(outcome.client_secret, success=True)
    done = charge.payment_stripe_refresh(payment=payment)
    assert done.payment.status == PaymentStatus.SUCCEEDED
    invoice.refresh_from_db()
    assert invoice.amount_due == 0


@pytest.mark.parametrize("number", [THREE_D_SECURE, THREE_D_SECURE_REQUIRED])
def test_three_d_secure_asks_the_payer_once_per_payment(payer, account, invoice, stripe_browser, number):
    """Issue 11: the payer authenticated when the card was saved (SetupIntent), then again for the payment."""
    payment = start(payer, account, [invoice])
    outcome = pay_by_card(payment, stripe_browser, number=number)
    stripe_browser.confirm_card_payment(outcome.client_secret, success=True)  # the 3-D Secure window
    assert charge.payment_stripe_refresh(payment=payment).payment.status == PaymentStatus.SUCCEEDED
    challenges = stripe_browser.three_d_secure_challenges(payment.reference)
    assert [c["object"] for c in challenges] == ["payment_intent"]


def test_failed_three_d_secure_charges_nothing(payer, account, invoice, stripe_browser):
    payment = start(payer, account, [invoice])
    outcome = pay_by_card(payment, stripe_browser, number=THREE_D_SECURE)
    stripe_browser.confirm_card_payment(outcome.client_secret, success=False)
    done = charge.payment_stripe_refresh(payment=payment)
    assert done.payment.status == PaymentStatus.FAILED
    assert "authentication" in done.error
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("3000.00")


def test_double_submit_creates_one_charge(payer, account, invoice, stripe_browser):
    payment = start(payer, account, [invoice])
    assert start(payer, account, [invoice]) == payment  # the same form token
    page = charge.payment_card_intent(payment=payment)
    reloaded = charge.payment_card_intent(payment=payment)  # a reload or a second tab: the same intent
    assert page.client_secret == reloaded.client_secret and page.needs_payment_method
    assert stripe_browser.confirm_payment_with_card(page.client_secret)["status"] == "succeeded"
    second_tab = stripe_browser.confirm_payment_with_card(reloaded.client_secret)
    assert second_tab["error"]["code"] == "payment_intent_unexpected_state"  # Stripe charges it once
    first = charge.payment_stripe_refresh(payment=payment)
    again = charge.payment_stripe_refresh(payment=payment)
    assert first.payment.status == again.payment.status == PaymentStatus.SUCCEEDED
    assert len(stripe_browser.payment_intents()) == 1
    assert Allocation.objects.filter(payment=payment).count() == 1


def test_the_payment_intent_is_made_from_the_server_amount_and_waits_for_the_card(
    payer, account, invoice, stripe_browser
):
    payment = start(payer, account, [invoice], amount="1200.00")
    page = charge.payment_card_intent(payment=payment)
    [intent] = stripe_browser.payment_intents()
    assert (intent["amount"], intent["currency"], intent["status"]) == (
        120000,
        "usd",
        "requires_payment_method",
    )
    assert intent["metadata"]["payment_reference"] == payment.reference
    payment.refresh_from_db()
    assert payment.provider_reference == intent["id"] and page.client_secret == intent["client_secret"]
    # Posted back before any card was confirmed: still waiting for the card, not a decline.
    back = charge.payment_stripe_refresh(payment=payment)
    assert back.payment.status == PaymentStatus.PENDING and back.needs_payment_method and not back.error
    with pytest.raises(online.PaymentError, match="more than"):  # the attempt holds its amount
        start(payer, account, [invoice], amount="1800.01", key="form-2")


def test_a_declined_card_cancels_its_payment_intent_before_the_hold_ends(
    payer, account, invoice, stripe_browser
):
    """The browser still holds the intent's client secret: another card must not be charged on a failed payment."""
    payment = start(payer, account, [invoice])
    outcome = pay_by_card(payment, stripe_browser, number=DECLINED_AT_CHARGE)
    assert outcome.payment.status == PaymentStatus.FAILED
    [intent] = stripe_browser.payment_intents()
    assert intent["status"] == "canceled"
    late = stripe_browser.confirm_payment_with_card(intent["client_secret"])  # e.g. from a second tab
    assert "error" in late and charge.payment_stripe_refresh(payment=payment).payment.status == "failed"
    assert online.payment_plan(invoices=[invoice]).total_available == Decimal("3000.00")


def test_amount_comes_from_the_server_balance_never_more(payer, account, invoice):
    with pytest.raises(online.PaymentError, match="more than"):
        start(payer, account, [invoice], amount="3000.01")
    assert not Payment.objects.exists()


def test_partial_amount_over_several_invoices_goes_to_the_oldest_due_first(payer, account):
    import datetime

    old = InvoiceFactory(
        account=account,
        due_date=datetime.date.today() - datetime.timedelta(days=10),
        issue_date=datetime.date.today() - datetime.timedelta(days=40),
    )
    new = InvoiceFactory(account=account)
    payment = start(payer, account, [new, old], amount="1500.00")
    assert [(e["number"], e["amount"]) for e in payment.intended_allocations] == [
        (old.number, "1200.00"),
        (new.number, "300.00"),
    ]


def test_currency_mismatch_refused(payer, account):
    usd = InvoiceFactory(account=account)
    eur = InvoiceFactory(account=account, currency="EUR")
    with pytest.raises(online.PaymentError, match="different currencies"):
        start(payer, account, [usd, eur])


# --- the pages -------------------------------------------------------------------------------------


def test_pay_page_offers_methods_from_the_policy(client_of, payer, invoice):
    response = client_of(payer).get(reverse("payments:pay"), {"invoice": invoice.number})
    assert response.status_code == 200
    assert [c[0] for c in response.context["form"].fields["method"].choices] == [
        "card",
        "paypal",
        "ach_debit",
    ]


def test_pay_by_card_through_the_pages(client_of, payer, invoice, stripe_browser):
    client = client_of(payer)
    page = client.get(reverse("payments:pay"), {"invoice": invoice.number})
    token = page.context["form"].initial["token"]
    response = client.post(
        reverse("payments:pay"),
        {"invoice": invoice.number, "amount": "3000.00", "method": "card", "token": token},
    )
    payment = Payment.objects.get()
    assert response.url == reverse("payments:pay_card", args=[payment.reference])
    card_page = client.get(response.url)
    secret = card_page.context["payment_secret"]
    assert f'data-card-payment="{secret}"' in card_page.content.decode()
    stripe_browser.confirm_payment_with_card(secret)
    done = client.post(reverse("payments:pay_card_complete", args=[payment.reference]))
    assert done.url == reverse("payments:confirmation", args=[payment.reference])
    confirmation = client.get(done.url).content.decode()
    assert payment.reference in confirmation and invoice.number in confirmation and "Closed" in confirmation


def test_card_only_rule_is_enforced_on_submit(client_of, payer, account):
    small = InvoiceFactory(account=account, subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    response = client_of(payer).post(
        reverse("payments:pay"), {"invoice": small.number, "method": "paypal", "token": "t-1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["method"]
    assert not Payment.objects.exists()


def test_tampered_amount_is_refused_beside_the_field(client_of, payer, invoice):
    response = client_of(payer).post(
        reverse("payments:pay"),
        {"invoice": invoice.number, "amount": "99999.00", "method": "paypal", "token": "t-2"},
    )
    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_viewer_may_not_pay(client_of, viewer, invoice):
    assert client_of(viewer).get(reverse("payments:pay"), {"invoice": invoice.number}).status_code == 403


def test_another_accounts_invoice_is_not_found(client_of, payer, other_account):
    theirs = InvoiceFactory(account=other_account)
    assert client_of(payer).get(reverse("payments:pay"), {"invoice": theirs.number}).status_code == 404


def test_another_accounts_payment_is_not_found(client_of, payer, outsider, other_account):
    theirs = InvoiceFactory(account=other_account)
    payment = start(outsider, other_account, [theirs])
    for name in ("payments:pay_card", "payments:confirmation"):
        assert client_of(payer).get(reverse(name, args=[payment.reference])).status_code == 404


def test_pay_all_overdue_selects_the_overdue_invoices(client_of, payer, account):
    import datetime

    today = datetime.date.today()
    late = InvoiceFactory(
        account=account,
        issue_date=today - datetime.timedelta(days=60),
        due_date=today - datetime.timedelta(days=30),
    )
    InvoiceFactory(account=account)
    response = client_of(payer).get(reverse("payments:pay"), {"overdue": "1"})
    assert [row["invoice"].number for row in response.context["rows"]] == [late.number]


@pytest.mark.worker
def test_confirmation_email_sent_once_by_the_real_worker(celery_worker, payer, account, invoice):
    import time

    from notifications.models import OutboxEmail
    from tests.payments.conftest import payment_options_seed

    payment_options_seed()
    payment = start(payer, account, [invoice])
    online.payment_succeed(payment=payment)
    online.payment_succeed(payment=payment)  # the webhook after the browser return: no second email
    deadline = time.time() + 20
    while time.time() < deadline and not OutboxEmail.objects.filter(sent_at__isnull=False).exists():
        time.sleep(0.2)
    assert OutboxEmail.objects.get().dedupe_key == f"payment-confirmation:{payment.pk}"
    assert OutboxEmail.objects.get().sent_at is not None
    # The worker's mail folder is shared by the session: count only this payment's emails, then tidy up.
    mails = [f for f in celery_worker["mail_dir"].glob("*.log") if payment.reference in f.read_text()]
    assert len(mails) == 1
    for mail_file in mails:
        mail_file.unlink()


# --- Support Rewards on the pay page -----------------------------------------------------------------


def test_rewards_code_field_only_for_eligible_support_invoices(client_of, payer, account, invoice):
    from tests.rewards.factories import support_invoice

    support = support_invoice(account)
    client = client_of(payer)
    assert (
        "rewards_code"
        in client.get(reverse("payments:pay"), {"invoice": support.number}).context["form"].fields
    )
    assert (
        "rewards_code"
        not in client.get(reverse("payments:pay"), {"invoice": invoice.number}).context["form"].fields
    )


def test_rewards_applied_first_then_the_rest_by_the_chosen_method(client_of, payer, account):
    from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

    support = support_invoice(account)  # 1 000.00 eligible support + 82.50 tax
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("100.00"))
    response = client_of(payer).post(
        reverse("payments:pay"),
        {
            "invoice": support.number,
            "method": "card",
            "token": "tok-rw",
            "rewards_code": lot.rewards_account.code,
        },
    )
    card_payment = Payment.objects.get(method=PaymentMethod.CARD)
    assert response.url == reverse("payments:pay_card", args=[card_payment.reference])
    assert card_payment.amount == Decimal("982.50")
    support.refresh_from_db()
    assert support.amount_due == Decimal("982.50")


def test_rewards_paying_everything_go_straight_to_the_confirmation(client_of, payer, account):
    from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

    support = support_invoice(account, tax=Decimal("0.00"))
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("5000.00"))
    response = client_of(payer).post(
        reverse("payments:pay"),
        {
            "invoice": support.number,
            "method": "card",
            "token": "tok-rw2",
            "rewards_code": lot.rewards_account.code,
        },
    )
    rewards_payment = Payment.objects.get()
    assert rewards_payment.method == PaymentMethod.REWARDS
    assert response.url == reverse("payments:confirmation", args=[rewards_payment.reference])


def test_wrong_rewards_code_is_shown_beside_the_field(client_of, payer, account):
    from tests.rewards.factories import support_invoice

    support = support_invoice(account)
    response = client_of(payer).post(
        reverse("payments:pay"),
        {"invoice": support.number, "method": "card", "token": "tok-rw3", "rewards_code": "NOPE"},
    )
    assert response.context["form"].errors["rewards_code"]
    assert not Payment.objects.exists()


def test_rewards_are_not_used_when_the_rest_cannot_be_paid_by_the_chosen_method(client_of, payer, account):
    from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

    support = support_invoice(account)  # after 100 of rewards, 982.50 is left: card only
    lot = RewardLotFactory(rewards_account=RewardsAccountFactory(account=account), amount=Decimal("100.00"))
    response = client_of(payer).post(
        reverse("payments:pay"),
        {
            "invoice": support.number,
            "method": "paypal",
            "token": "tok-rw4",
            "rewards_code": lot.rewards_account.code,
        },
    )
    assert response.context["form"].errors["method"]
    assert not Payment.objects.exists()
    lot.refresh_from_db()
    assert lot.remaining == Decimal("100.00")


def test_abandoned_attempt_stops_holding_the_invoice(payer, account, invoice):
    import datetime

    from django.utils import timezone

    from payments.services import abandoned

    payment = start(payer, account, [invoice])
    with pytest.raises(online.PaymentError, match="Nothing is left"):
        online.payment_plan(invoices=[invoice])  # held by the attempt in progress
    assert abandoned.payments_abandoned_expire(now=timezone.now() + datetime.timedelta(minutes=31)) == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert online.payment_plan(invoices=[invoice]).total_available == Decimal("3000.00")


def test_a_closed_invoice_in_the_selection_does_not_make_the_payment_card_only(
    client_of, payer, account, invoice
):
    closed = InvoiceFactory(account=account, amount_due=Decimal("0.00"))
    big = InvoiceFactory(account=account, subtotal=Decimal("9000.00"), tax=Decimal("0.00"))
    response = client_of(payer).get(reverse("payments:pay"), {"invoice": [closed.number, big.number]})
    assert [c[0] for c in response.context["form"].fields["method"].choices] == [
        "card",
        "paypal",
        "ach_debit",
    ]


def test_setup_intent_of_another_customer_is_refused(
    payer, account, invoice, outsider, other_account, stripe_browser
):
    theirs = InvoiceFactory(account=other_account, subtotal=Decimal("2500.00"), tax=Decimal("500.00"))
    their_payment = start(outsider, other_account, [theirs], key="theirs")
    their_setup = stripe_browser.confirm_card_setup(charge.payment_setup_start(payment=their_payment))
    mine = start(payer, account, [invoice])
    outcome = charge.payment_stripe_charge(payment=mine, setup_intent_id=their_setup)
    assert outcome.payment.status == PaymentStatus.FAILED
    assert stripe_browser.payment_intents() == []
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("3000.00")


def test_a_declined_card_reason_is_shown_in_french_to_a_french_reader(
    client_of, payer, account, invoice, stripe_browser
):
    payment = start(payer, account, [invoice])
    pay_by_card(payment, stripe_browser, number=DECLINED_AT_CHARGE)
    page = client_of(payer).get(
        reverse("payments:confirmation", args=[payment.reference]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Votre carte a été refusée." in page.content.decode()
