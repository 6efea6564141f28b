"""Browser: a payer records a bank transfer for an invoice and sees it announced with its expected date."""

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from core.business_days import transfer_schedule
from payments.models import CountryPaymentOptions, RemittanceAdvice
from tests.invoices.factories import InvoiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_payer_records_a_bank_transfer_and_sees_it_announced(
    sign_in, payer, account, live_server, artifacts_dir
):
    # 1 200 USD in a card country is card only (the method policy): cards are switched off in the US here.
    CountryPaymentOptions.objects.filter(country="US").update(card=False)
    invoice = InvoiceFactory(account=account, issue_date=timezone.localdate() - datetime.timedelta(days=20))
    page = sign_in(payer)
    page.goto(f"{live_server.url}/payments/remittance/{invoice.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(invoice.number)

    paid_on = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("How did you pay?").select_option("bank_transfer")
    page.get_by_label("Payment date").fill(paid_on.isoformat())
    page.get_by_label("Amount").fill("99999")
    page.get_by_role("button", name="Record this payment").click()
    expect(page.get_by_text("The amount cannot exceed the balance due")).to_be_visible()
    expect(page.get_by_label("Your reference")).to_have_value("")

    page.get_by_label("Amount").fill("1200.00")
    page.get_by_label("Your reference").fill("WIRE-7781")
    page.get_by_role("button", name="Record this payment").click()

    table = page.get_by_test_id("announced-transfers")
    expect(table).to_contain_text("WIRE-7781")
    expect(table).to_contain_text("Announced")
    expected = transfer_schedule(paid_on=paid_on, country=account.country).reflected_by
    expect(page.get_by_test_id("reflected-by")).to_have_text(f"By {date_format(expected, 'DATE_FORMAT')}")
    expect(page.get_by_role("status").filter(has_text="is announced")).to_be_visible()
    page.screenshot(path=artifacts_dir / "bank-transfer-announced.png", full_page=True)
    assert RemittanceAdvice.objects.filter(invoice=invoice, customer_reference="WIRE-7781").count() == 1
