"""In French, a billing contact asks the assistant when their rewards expire (the date and amount of the
earliest lot), then to dispute an invoice, and lands on the dispute form filled in with it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from core.money import format_money
from rewards.eligibility import add_months, month_start
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_in_french_the_assistant_tells_the_next_rewards_expiry_and_opens_the_dispute_form(
    sign_in, live_server, artifacts_dir
):
    account = CustomerAccountFactory(
        country="FR", currency="EUR", language="fr", legal_name="Lumière Test SAS"
    )
    contact = MembershipFactory(account=account, role="billing_contact").user
    rewards_account = RewardsAccountFactory(account=account)
    this_month = month_start(timezone.localdate())
    earliest = RewardLotFactory(
        rewards_account=rewards_account, month_earned=add_months(this_month, -9), amount=Decimal("120.50")
    )
    RewardLotFactory(
        rewards_account=rewards_account, month_earned=add_months(this_month, -2), amount=Decimal("300.00")
    )
    invoice = InvoiceFactory(account=account, number="INV-FR-7001")
    with translation.override("fr"):
        expected_date = date_format(earliest.expires_on, "DATE_FORMAT")
        expected_amount = format_money(Decimal("120.50"), "EUR", locale="fr")

    page = sign_in(contact)
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    panel = page.get_by_test_id("assistant-panel")
    panel.get_by_text("Demander à l'assistant").click()
    question = panel.locator("input[name=message]")
    question.fill("quand expirent mes récompenses")
    panel.get_by_role("button", name="Envoyer la question").click()
    answer = panel.locator("[data-testid=assistant-assistant]").last
    expect(answer).to_contain_text(expected_amount)
    expect(answer).to_contain_text(expected_date)
    expect(answer).to_contain_text("expirer")
    page.screenshot(path=artifacts_dir / "assistant-rewards-expiry-fr.png", full_page=True)

    question.fill("je veux contester la facture inv-fr-7001")
    panel.get_by_role("button", name="Envoyer la question").click()
    dispute = panel.locator("[data-testid=assistant-assistant]").last
    expect(dispute).to_contain_text("INV-FR-7001")
    dispute.get_by_role("link", name="Ouvrir le formulaire de demande").click()

    page.wait_for_url(f"**/requests/new/?kind=dispute&invoice={invoice.number}")
    form = page.get_by_test_id("request-form")
    expect(form).to_contain_text(invoice.number)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=artifacts_dir / "assistant-dispute-form-fr.png", full_page=True)
    assert datetime.date.today() <= earliest.expires_on
