"""Bank transfer, ACH credit and cheque: remittance advices, the business-day promise, staff reconciliation."""

import datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivityEntry
from invoices.models import Invoice
from notifications.models import OutboxEmail
from notifications.tasks import outbox_send
from payments.ledger import account_credit_balance
from payments.models import Payment, PaymentProvider, PaymentStatus, RemittanceAdvice
from payments.selectors import remittance_advices_for_invoice
from payments.services.offline import RemittanceError, transfer_reconcile
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory
from tests.payments.factories import RemittanceAdviceFactory

pytestmark = pytest.mark.django_db


def advice_url(invoice):
    return reverse("payments:remittance_advice", args=[invoice.number])


def advice_post(**overrides):
    data = {
        "method": "bank_transfer",
        "paid_on": timezone.localdate().isoformat(),
        "amount": "1200.00",
        "customer_reference": "WIRE 2026-118",
    }
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def _transfers_offered_for_small_invoices(db):
    """These tests announce transfers on 1 200 USD invoices: in a card country that is card only (the method
    policy, tests/payments/test_policy_everywhere.py). Cards are switched off in the US here, so the
    transfer rules themselves are what is tested, with the US calendar."""
    from payments.models import CountryPaymentOptions

    CountryPaymentOptions.objects.filter(country="US").update(card=False)


@pytest.fixture
def invoice(account):
    return InvoiceFactory(account=account)


@pytest.fixture
def staff(db):
    return staff_user()


# --- the customer announces a payment -----------------------------------------------------------


def test_payer_records_a_remittance_advice_and_sees_it_announced(client_of, payer, invoice):
    client = client_of(payer)
    response = client.post(advice_url(invoice), advice_post())
    assert response.status_code == 302
    advice = RemittanceAdvice.objects.get(invoice=invoice)
    assert (advice.amount, advice.currency, advice.method) == (Decimal("1200.00"), "USD", "bank_transfer")
    assert advice.status == RemittanceAdvice.Status.ANNOUNCED
    assert advice.recorded_by == payer
    page = client.get(advice_url(invoice)).content.decode()
    assert "Announced" in page
    assert "WIRE 2026-118" in page
    assert ActivityEntry.objects.filter(action="payment.remittance_announced", target=invoice.number).exists()


def test_advice_page_shows_when_the_transfer_should_be_reflected(client_of, billing_contact, account):
    account.country = "FR"
    account.save()
    invoice = InvoiceFactory(account=account, issue_date=datetime.date(2026, 3, 20))
    RemittanceAdviceFactory(invoice=invoice, paid_on=datetime.date(2026, 4, 3))
    [row] = remittance_advices_for_invoice(invoice=invoice, today=datetime.date(2026, 4, 7))
    assert row.schedule.reflected_by == datetime.date(2026, 4, 9)
    assert not row.support_offered
    page = client_of(billing_contact).get(advice_url(invoice)).content.decode()
    assert "By April 9, 2026" in page


def test_billing_support_request_is_prefilled_after_three_business_days(account, invoice):
    RemittanceAdviceFactory(invoice=invoice, paid_on=datetime.date(2026, 4, 3), amount=Decimal("1200.00"))
    [early] = remittance_advices_for_invoice(invoice=invoice, today=datetime.date(2026, 4, 8))
    [late] = remittance_advices_for_invoice(invoice=invoice, today=datetime.date(2026, 4, 9))
    assert not early.support_offered and early.support_mailto == ""
    assert late.support_offered
    link = unquote(late.support_mailto)
    assert link.startswith("mailto:billing-support@")
    assert invoice.number in link
    assert "April 3, 2026" in link
    assert "$1,200.00" in link


def test_support_offer_is_shown_on_the_page_for_an_old_unreconciled_transfer(client_of, payer, invoice):
    RemittanceAdviceFactory(invoice=invoice, paid_on=timezone.localdate() - datetime.timedelta(days=10))
    page = client_of(payer).get(advice_url(invoice)).content.decode()
    assert 'data-testid="support-offer"' in page
    assert "mailto:" in page


def test_double_submit_records_one_advice(client_of, payer, invoice):
    client = client_of(payer)
    client.post(advice_url(invoice), advice_post())
    client.post(advice_url(invoice), advice_post())
    assert RemittanceAdvice.objects.filter(invoice=invoice).count() == 1


def test_tampered_amount_above_the_balance_is_refused(client_of, payer, invoice):
    response = client_of(payer).post(advice_url(invoice), advice_post(amount="1200.01"))
    assert response.status_code == 400
    assert "cannot exceed the balance due" in response.content.decode()
    assert not RemittanceAdvice.objects.exists()


def test_negative_amount_is_refused(client_of, payer, invoice):
    response = client_of(payer).post(advice_url(invoice), advice_post(amount="-5"))
    assert response.status_code == 400
    assert not RemittanceAdvice.objects.exists()


def test_payment_date_in_the_future_is_refused(client_of, payer, invoice):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_of(payer).post(advice_url(invoice), advice_post(paid_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_the_currency_comes_from_the_invoice_not_the_form(client_of, payer, invoice):
    client_of(payer).post(advice_url(invoice), advice_post(currency="EUR"))
    assert RemittanceAdvice.objects.get().currency == "USD"


def test_closed_invoice_takes_no_advice(client_of, payer, account):
    closed = InvoiceFactory(account=account, amount_due=Decimal("0.00"))
    response = client_of(payer).post(advice_url(closed), advice_post(amount="10.00"))
    assert response.status_code == 400
    assert not RemittanceAdvice.objects.exists()


def test_viewer_sees_the_panel_but_cannot_record_an_advice(client_of, viewer, invoice):
    client = client_of(viewer)
    page = client.get(advice_url(invoice))
    assert page.status_code == 200
    assert "Record this payment" not in page.content.decode()
    assert client.post(advice_url(invoice), advice_post()).status_code == 403
    assert not RemittanceAdvice.objects.exists()


def test_another_accounts_invoice_is_a_404(client_of, payer, other_account):
    foreign = InvoiceFactory(account=other_account)
    client = client_of(payer)
    assert client.get(advice_url(foreign)).status_code == 404
    assert client.post(advice_url(foreign), advice_post()).status_code == 404
    assert not RemittanceAdvice.objects.exists()


def test_htmx_post_answers_the_panel_only(client_of, payer, invoice):
    response = client_of(payer).post(advice_url(invoice), advice_post(amount="99999"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "cannot exceed the balance due" in body
    assert 'id="remittance-panel"' in body
    assert "<html" not in body


# --- staff reconcile money received -------------------------------------------------------------


def test_reconciliation_with_leftover_becomes_account_credit(account, invoice, staff, billing_contact):
    RemittanceAdviceFactory(invoice=invoice, amount=Decimal("1200.00"))
    payment = transfer_reconcile(
        account=account,
        method="bank_transfer",
        amount=Decimal("1500.00"),
        currency="USD",
        received_on=timezone.localdate(),
        bank_reference="BNK-0001",
        invoice_amounts=[(invoice, Decimal("1200.00"))],
        actor=staff,
    )
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00")
    assert invoice.status == "closed"
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.provider == PaymentProvider.OFFLINE
    assert account_credit_balance(account=account, currency="USD") == Decimal("300.00")
    advice = RemittanceAdvice.objects.get(invoice=invoice)
    assert advice.status == RemittanceAdvice.Status.RECONCILED and advice.payment == payment
    assert ActivityEntry.objects.filter(action="payment.offline_received", target=payment.reference).exists()


def test_reconciliation_emails_the_billing_contact_once_in_the_account_language(
    account, invoice, staff, billing_contact, django_capture_on_commit_callbacks
):
    account.language = "fr"
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        payment = transfer_reconcile(
            account=account,
            method="cheque",
            amount=Decimal("1200.00"),
            currency="USD",
            received_on=timezone.localdate(),
            bank_reference="CHQ 778812",
            invoice_amounts=[(invoice, Decimal("1200.00"))],
            actor=staff,
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [billing_contact.email]
    assert payment.reference in mail.outbox[0].subject
    assert "1\u202f200,00\xa0$US" in mail.outbox[0].body  # French money format
    notice = OutboxEmail.objects.get(dedupe_key=f"transfer-received:{payment.pk}")
    assert outbox_send.delay(notice.pk).get() == "skipped"
    assert len(mail.outbox) == 1


def test_same_bank_reference_cannot_be_recorded_twice(account, invoice, staff):
    kwargs = {
        "account": account,
        "method": "bank_transfer",
        "amount": Decimal("100.00"),
        "currency": "USD",
        "received_on": timezone.localdate(),
        "invoice_amounts": [(invoice, Decimal("100.00"))],
        "actor": staff,
    }
    transfer_reconcile(bank_reference="BNK-42", **kwargs)
    with pytest.raises(RemittanceError, match="already recorded"):
        transfer_reconcile(bank_reference=" bnk-42 ", **kwargs)
    assert Payment.objects.count() == 1


def test_reconciliation_refuses_a_date_received_in_the_future(account, invoice, staff):
    with pytest.raises(RemittanceError, match="future"):
        transfer_reconcile(
            account=account,
            method="bank_transfer",
            amount=Decimal("100.00"),
            currency="USD",
            received_on=timezone.localdate() + datetime.timedelta(days=1),
            bank_reference="BNK-FUTURE",
            invoice_amounts=[(invoice, Decimal("100.00"))],
            actor=staff,
        )
    assert not Payment.objects.exists()


def test_reconciliation_rounds_invoice_parts_to_the_currency_minor_unit(account, invoice, staff):
    payment = transfer_reconcile(
        account=account,
        method="bank_transfer",
        amount=Decimal("100.00"),
        currency="USD",
        received_on=timezone.localdate(),
        bank_reference="BNK-ROUND",
        invoice_amounts=[(invoice, Decimal("99.999"))],
        actor=staff,
    )
    invoice.refresh_from_db()
    assert [a.amount for a in payment.allocations.all()] == [Decimal("100.00")]
    assert invoice.amount_due == invoice.total - Decimal("100.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("0.00")


def test_reconciliation_refuses_an_invoice_in_another_currency(account, staff):
    eur_invoice = InvoiceFactory(account=account, currency="EUR")
    with pytest.raises(RemittanceError, match="EUR"):
        transfer_reconcile(
            account=account,
            method="bank_transfer",
            amount=Decimal("1200.00"),
            currency="USD",
            received_on=timezone.localdate(),
            bank_reference="BNK-7",
            invoice_amounts=[(eur_invoice, Decimal("1200.00"))],
            actor=staff,
        )
    assert not Payment.objects.exists()


def test_reconciliation_refuses_another_accounts_invoice(account, other_account, staff):
    foreign = InvoiceFactory(account=other_account)
    with pytest.raises(RemittanceError, match="another account"):
        transfer_reconcile(
            account=account,
            method="bank_transfer",
            amount=Decimal("1200.00"),
            currency="USD",
            received_on=timezone.localdate(),
            bank_reference="BNK-8",
            invoice_amounts=[(foreign, Decimal("1200.00"))],
            actor=staff,
        )


# --- the admin form ---------------------------------------------------------------------------------


def reconcile_url():
    return reverse("admin:payments_payment_reconcile")


def test_admin_reconcile_form_applies_oldest_due_first_and_credits_the_rest(client, staff, account):
    older = InvoiceFactory(account=account, issue_date=datetime.date(2026, 1, 5))
    newer = InvoiceFactory(account=account, issue_date=datetime.date(2026, 2, 5))
    staff_sign_in(client, staff)
    response = client.post(
        reconcile_url(),
        {
            "account": account.pk,
            "method": "ach_credit",
            "amount": "2500.00",
            "currency": "usd",
            "received_on": timezone.localdate().isoformat(),
            "bank_reference": "ACH-555",
            "invoices": f"{newer.number}\n{older.number}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.amount_due == newer.amount_due == Decimal("0.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("100.00")


def test_admin_reconcile_form_takes_explicit_amounts(client, staff, account):
    invoice = InvoiceFactory(account=account)
    staff_sign_in(client, staff)
    client.post(
        reconcile_url(),
        {
            "account": account.pk,
            "method": "bank_transfer",
            "amount": "500.00",
            "currency": "USD",
            "received_on": timezone.localdate().isoformat(),
            "bank_reference": "BNK-PART",
            "invoices": f"{invoice.number}: 400.00",
        },
    )
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("800.00")
    assert account_credit_balance(account=account, currency="USD") == Decimal("100.00")


def test_admin_reconcile_form_shows_errors_and_keeps_input(client, staff, account, other_account):
    foreign = InvoiceFactory(account=other_account)
    staff_sign_in(client, staff)
    response = client.post(
        reconcile_url(),
        {
            "account": account.pk,
            "method": "bank_transfer",
            "amount": "1200.00",
            "currency": "USD",
            "received_on": timezone.localdate().isoformat(),
            "bank_reference": "BNK-KEEP",
            "invoices": foreign.number,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is not an invoice of this account" in body
    assert "BNK-KEEP" in body
    assert not Payment.objects.exists()


def test_customer_cannot_open_the_reconcile_form(client_of, billing_contact):
    response = client_of(billing_contact).get(reconcile_url())
    assert response.status_code == 302  # to the admin sign-in
    assert "/admin/login" in response["Location"]


def test_staff_reconcile_from_the_advice_action_prefills_the_form(client, staff, account, invoice):
    advice = RemittanceAdviceFactory(invoice=invoice, customer_reference="REF-9")
    staff_sign_in(client, staff)
    response = client.post(
        reverse("admin:payments_remittanceadvice_changelist"),
        {"action": "reconcile", "_selected_action": [advice.pk]},
    )
    assert response.status_code == 302
    form_page = client.get(response["Location"]).content.decode()
    assert f"{invoice.number}: 1200.00" in form_page
    assert "REF-9" in form_page


def test_unreconciled_invoice_keeps_its_balance(invoice):
    RemittanceAdviceFactory(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.amount_due == Invoice.objects.get(pk=invoice.pk).total


@pytest.mark.worker
def test_a_real_celery_worker_emails_the_transfer_received_once(
    celery_worker, account, billing_contact, staff
):
    import threading

    invoice = InvoiceFactory(account=account)
    payment = transfer_reconcile(  # transactional test: on_commit runs at once, the task goes to Redis
        account=account,
        method="bank_transfer",
        amount=Decimal("1200.00"),
        currency="USD",
        received_on=timezone.localdate(),
        bank_reference="BNK-WORKER-1",
        invoice_amounts=[(invoice, Decimal("1200.00"))],
        actor=staff,
    )
    deadline = timezone.now() + datetime.timedelta(seconds=60)
    while timezone.now() < deadline:
        notice = OutboxEmail.objects.filter(dedupe_key=f"transfer-received:{payment.pk}").first()
        if notice is not None and notice.sent_at is not None:
            break
        threading.Event().wait(0.2)
    assert notice is not None and notice.sent_at is not None, celery_worker["log"].read_text()[-3000:]
    files = list(celery_worker["mail_dir"].glob("*.log"))
    assert len(files) == 1
    text = files[0].read_text()
    assert f"Payment {payment.reference} received" in text
    assert billing_contact.email in text


def test_transfer_received_earlier_is_dated_on_the_day_the_bank_received_it(account, invoice, staff):
    received_on = timezone.localdate() - datetime.timedelta(days=3)
    payment = transfer_reconcile(
        account=account,
        method="bank_transfer",
        amount=Decimal("1200.00"),
        currency="USD",
        received_on=received_on,
        bank_reference="BNK-LATE",
        invoice_amounts=[(invoice, Decimal("1200.00"))],
        actor=staff,
    )
    assert timezone.localdate(payment.settled_at) == received_on


def test_invoice_page_tag_renders_the_panel_with_its_form(rf, payer, invoice):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = payer
    request.account = invoice.account
    RemittanceAdviceFactory(invoice=invoice, amount=Decimal("200.00"), customer_reference="TAG-1")
    html = Template("{% load payments_tags %}{% remittance_panel invoice %}").render(
        Context({"request": request, "invoice": invoice, "csrf_token": "tok"})
    )
    assert 'id="remittance-panel"' in html
    assert "TAG-1" in html
    assert "Record this payment" in html
    assert reverse("payments:remittance_advice", args=[invoice.number]) in html


def test_a_french_amount_with_a_decimal_comma_is_understood(client_of, payer, invoice):
    client = client_of(payer)
    response = client.post(advice_url(invoice), advice_post(amount="1150,50"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert RemittanceAdvice.objects.get(invoice=invoice).amount == Decimal("1150.50")
