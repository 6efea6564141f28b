import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.invoices.factories import InvoiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_billing_contact_signs_in_and_reads_the_dashboard_in_english_and_french(
    sign_in, billing_contact, account, artifacts_dir, live_server
):
    InvoiceFactory(account=account, issue_date=timezone.localdate() - datetime.timedelta(days=45))
    page = sign_in(billing_contact)
    expect(page.get_by_role("heading", level=1)).to_have_text(account.legal_name)
    expect(page.get_by_test_id("balance-due")).to_contain_text("$1,200.00")
    expect(page.get_by_test_id("overdue")).to_contain_text("1")
    page.screenshot(path=artifacts_dir / "dashboard-en.png", full_page=True)

    page.get_by_role("button", name="Français").click()
    expect(page.get_by_test_id("balance-due")).to_contain_text("Solde dû")
    expect(page.get_by_test_id("balance-due")).to_contain_text("1\u202f200,00\xa0$US")
    expect(page.get_by_role("link", name="Factures", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "dashboard-fr.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("balance-due")).to_be_visible()
    page.screenshot(path=artifacts_dir / "dashboard-fr-phone.png", full_page=True)
