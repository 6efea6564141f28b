"""The API pages in a browser: a billing contact makes a token (shown once), calls the API with it, revokes
it; registers a webhook endpoint; the pages pass axe in English and French; Swagger UI runs from our files."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import serious_violations
from tests.invoices.factories import InvoiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_billing_contact_makes_uses_and_revokes_a_token(sign_in, billing_contact, account, live_server):
    invoice = InvoiceFactory(account=account)
    page = sign_in(billing_contact)
    page.get_by_role("link", name="API").first.click()
    page.get_by_role("link", name="Access tokens").click()
    page.get_by_label("Name").fill("ERP robot")
    page.get_by_label("Access").select_option("read_only")
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("cc_")
    answer = page.request.get(
        f"{live_server.url}/api/v1/invoices/", headers={"Authorization": f"Bearer {secret}", "Cookie": ""}
    )
    assert answer.status == 200 and answer.json()["results"][0]["number"] == invoice.number
    page.reload()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke ERP robot").click()
    expect(page.get_by_test_id("tokens")).to_contain_text("Revoked")
    refused = page.request.get(
        f"{live_server.url}/api/v1/invoices/", headers={"Authorization": f"Bearer {secret}", "Cookie": ""}
    )
    assert refused.status == 401


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_pages_have_no_serious_accessibility_violation(
    sign_in, billing_contact, account, live_server, language
):
    page = sign_in(billing_contact)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
    found = {}
    page.goto(live_server.url + "/developers/webhooks/")
    page.locator("input[name=url]").fill("http://127.0.0.1:9/hooks")
    page.locator("input[name=events]").first.check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/developers/webhooks/*/")
    endpoint_path = page.url.removeprefix(live_server.url)
    for path in ["/developers/", "/developers/tokens/", "/developers/webhooks/", endpoint_path]:
        page.goto(live_server.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_swagger_ui_runs_from_our_static_files(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=15000)
    assert all(url.startswith(live_server.url) for url in requested), requested
