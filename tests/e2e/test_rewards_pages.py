"""Issue 17: the rewards page of an account enrolled for years shows its three lists a page at a time (the
invoices rewards may pay, the lots, the activity), each paged by its own links, and axe finds nothing serious
on it in English or in French."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rewards.eligibility import add_months
from rewards.models import LotStatus, RewardLot
from tests.e2e.test_accessibility import serious_violations
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_long_enrolled_accounts_rewards_page_pages_each_list_and_passes_axe(
    sign_in, billing_contact, account, live_server, language
):
    rewards_account = RewardsAccountFactory(account=account)
    this_month = timezone.localdate().replace(day=1)
    for back in range(1, 31):  # 30 lots (2 pages of 24); those older than a year expired (activity > 30 rows)
        lot = RewardLotFactory(
            rewards_account=rewards_account,
            month_earned=add_months(this_month, -back),
            amount=Decimal("50.00"),
        )
        if lot.expires_on < timezone.localdate():
            RewardLot.objects.filter(pk=lot.pk).update(
                status=LotStatus.EXPIRED, remaining=0, expired_amount=lot.amount
            )
    issued = timezone.localdate() - datetime.timedelta(days=60)
    invoices = [
        support_invoice(account, issue_date=issued, due_date=issued + datetime.timedelta(days=day))
        for day in range(12)
    ]
    page = sign_in(billing_contact)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
    page.goto(f"{live_server.url}/rewards/")
    assert not serious_violations(page)

    payable = page.get_by_test_id("rewards-payable-invoices")
    expect(payable.locator("tbody tr")).to_have_count(10)
    expect(payable.locator("tbody tr").first).to_contain_text(invoices[0].number)
    status = page.get_by_test_id("page-status")
    expect(status).to_have_count(3)  # the invoices', the lots' and the activity's pages
    navs = page.locator("nav.pagination")
    navs.nth(0).locator("a[rel=next]").click()
    expect(payable.locator("tbody tr")).to_have_count(2)
    expect(payable).to_contain_text(invoices[11].number)
    expect(status.first).to_have_text("Page 2 sur 2" if language == "fr" else "Page 2 of 2")
    navs.nth(1).locator("a[rel=next]").click()
    expect(page.get_by_test_id("rewards-lots").locator("tbody tr")).to_have_count(6)
    expect(payable.locator("tbody tr")).to_have_count(2)  # still the invoices' page 2
    navs.nth(2).locator("a[rel=next]").click()
    activity_rows = (
        30 + RewardLot.objects.filter(expired_amount__gt=0).count()
    )  # deposits and expiries: 2 pages of 30
    expect(page.get_by_test_id("rewards-activity").locator("li")).to_have_count(activity_rows - 30)
    assert not serious_violations(page)
