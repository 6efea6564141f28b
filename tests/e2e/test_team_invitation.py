"""Browser: the billing contact invites a viewer, who joins from the email link; promoted to payer, they can pay."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.invoices.factories import InvoiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s]+?(/accounts/invitations/\d+/[0-9a-f]+/)")


def test_billing_contact_invites_a_viewer_who_joins_then_is_promoted_to_payer(
    sign_in, billing_contact, account, browser, live_server, artifacts_dir
):
    invoice = InvoiceFactory(account=account, issue_date=timezone.localdate() - datetime.timedelta(days=5))
    owner = sign_in(billing_contact)

    # The billing contact invites a teammate as viewer, through the confirmation step.
    owner.get_by_role("link", name="Team", exact=True).click()
    owner.get_by_label("Email address").fill("teammate@example.test")
    owner.get_by_label("Viewer").check()
    owner.get_by_role("button", name="Invite").click()
    expect(owner.get_by_test_id("confirm")).to_contain_text("download invoices")
    owner.screenshot(path=artifacts_dir / "team-invite-confirm.png", full_page=True)
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_test_id("invitations")).to_contain_text("teammate@example.test")
    owner.screenshot(path=artifacts_dir / "team-invited.png", full_page=True)

    # The teammate opens the emailed link in their own browser and creates their sign-in.
    assert mail.outbox[-1].to == ["teammate@example.test"]
    path = LINK.search(mail.outbox[-1].body).group(1)
    teammate = browser.new_context().new_page()
    teammate.goto(f"{live_server.url}{path}")
    expect(teammate.get_by_test_id("invitation")).to_contain_text("Viewer")
    teammate.screenshot(path=artifacts_dir / "team-invitation-link.png", full_page=True)
    teammate.get_by_role("link", name="Create your sign-in").click()
    expect(teammate.locator('input[name="email"]')).to_have_value("teammate@example.test")
    teammate.locator('input[name="password1"]').fill("A-long-pass-phrase-42")
    teammate.locator('input[name="password2"]').fill("A-long-pass-phrase-42")
    teammate.get_by_role("button", name="Sign Up").click()
    expect(teammate.get_by_text(f"You joined {account.legal_name} as viewer.")).to_be_visible()

    # As a viewer they see the invoices but no Pay button.
    teammate.get_by_role("link", name="Invoices", exact=True).click()
    expect(teammate.get_by_text(invoice.number).first).to_be_visible()
    teammate.goto(f"{live_server.url}/invoices/{invoice.number}/")
    expect(teammate.get_by_role("heading", level=1)).to_contain_text(invoice.number)
    expect(teammate.get_by_test_id("pay")).to_have_count(0)

    # The billing contact promotes them to payer.
    owner.goto(f"{live_server.url}/team/")
    owner.locator('tr[data-member="teammate@example.test"]').get_by_role("link", name="Change role").click()
    owner.get_by_label("Payer").check()
    owner.get_by_role("button", name="Continue").click()
    expect(owner.get_by_test_id("confirm")).to_contain_text("pay invoices")
    owner.get_by_role("button", name="Change role").click()
    expect(owner.locator('tr[data-member="teammate@example.test"]')).to_contain_text("Payer")

    # The Pay button appears for them.
    teammate.reload()
    expect(teammate.get_by_test_id("pay")).to_be_visible()
    teammate.screenshot(path=artifacts_dir / "team-payer-invoice.png", full_page=True)

    # Every step is in the account's activity log, which the billing contact reads on the Activity tab.
    owner.get_by_role("link", name="Activity").click()
    log = owner.get_by_test_id("activity")
    for label in ("Invitation sent", "Invitation accepted", "Role changed"):
        expect(log).to_contain_text(label)
    owner.screenshot(path=artifacts_dir / "team-activity.png", full_page=True)
    owner.get_by_role("link", name="Contacts").click()
    expect(owner.get_by_role("heading", name="Dunning contact")).to_be_visible()
    owner.screenshot(path=artifacts_dir / "team-contacts.png", full_page=True)
