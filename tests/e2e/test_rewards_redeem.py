from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_billing_contact_redeems_a_code_on_a_support_invoice(
    sign_in, billing_contact, account, live_server, artifacts_dir
):
    rewards_account = RewardsAccountFactory(account=account)
    RewardLotFactory(rewards_account=rewards_account, amount=Decimal("400.00"))
    invoice = support_invoice(account)  # 1 000.00 support + 82.50 tax
    page = sign_in(billing_contact)
    expect(page.get_by_test_id("rewards-card")).to_contain_text("$400.00")

    page.get_by_role("link", name="Rewards", exact=True).click()
    page.get_by_role("link", name=f"Pay {invoice.number} with rewards").click()
    expect(page.get_by_test_id("rewards-applicable")).to_have_text("$1,000.00")
    page.get_by_label("Rewards code").fill("WRONG-CODE-0000-0000")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid for this account")
    page.get_by_label("Rewards code").fill(rewards_account.code.lower())
    expect(page.get_by_label("Rewards code")).to_have_value(
        rewards_account.code_display
    )  # rewards.js groups it
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_test_id("rewards-preview")
    expect(preview).to_be_visible()
    expect(page.get_by_test_id("preview-total")).to_have_text("$400.00")
    expect(page.get_by_test_id("preview-remaining-due")).to_have_text("$682.50")
    page.screenshot(path=artifacts_dir / "rewards-preview.png", full_page=True)
    page.get_by_role("button", name="Confirm: apply $400.00").click()

    expect(page.get_by_test_id("rewards-receipt")).to_be_visible()
    expect(page.get_by_test_id("receipt-amount-due")).to_have_text("$682.50")
    expect(page.get_by_test_id("receipt-rewards-balance")).to_have_text("$0.00")
    page.get_by_role("link", name="See rewards activity").click()

    expect(page.get_by_test_id("rewards-balance")).to_contain_text("$0.00")
    activity = page.get_by_test_id("rewards-activity")
    expect(activity).to_contain_text(f"Redeemed on invoice {invoice.number}")
    expect(activity).to_contain_text("-$400.00")
    page.screenshot(path=artifacts_dir / "rewards-activity.png", full_page=True)
