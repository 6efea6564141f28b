"""axe-core on the pages a billing contact uses, in English and French: no serious or critical violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/invoices/",
    "/invoices/{number}/",
    "/payments/",
    "/payments/pay/?invoice={number}",
    "/rewards/",
    "/team/",
    "/orders/",
    "/help/",
]


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_main_pages_have_no_serious_accessibility_violation(
    sign_in, billing_contact, account, live_server, language
):
    invoice = InvoiceFactory(account=account, issue_date=timezone.localdate() - datetime.timedelta(days=40))
    InvoiceLineFactory(invoice=invoice)
    page = sign_in(billing_contact)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
    found = {}
    for path in PAGES:
        page.goto(live_server.url + path.format(number=invoice.number))
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_sign_in_and_sign_up_pages_have_no_serious_accessibility_violation(page, live_server):
    found = {}
    for path in ["/account/login/", "/account/signup/", "/account/password/reset/"]:
        page.goto(live_server.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert not found, found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_up_in_one_step_pages_have_no_serious_accessibility_violation(
    page, live_server, settings, language
):
    """Sign-up, then the code from the email typed on the page sign-up leads to: the claimed account opens."""
    from django.core import mail

    from tests.factories import CustomerAccountFactory, verification_code_from_email

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    account = CustomerAccountFactory(contract_email="ap@onestep.test", language=language)
    page.context.set_extra_http_headers({"Accept-Language": language})
    found = {}
    page.goto(live_server.url + "/account/signup/")
    found["/account/signup/"] = serious_violations(page)
    page.fill("input[name=email]", "ap@onestep.test")
    page.fill("input[name=password1]", "A-long-pass-phrase-42")
    page.fill("input[name=password2]", "A-long-pass-phrase-42")
    page.locator("form input[name=password2]").press("Enter")
    page.wait_for_url("**/account/confirm-email/")
    found["/account/confirm-email/"] = serious_violations(page)
    page.fill("input[name=code]", verification_code_from_email(mail.outbox[-1].body))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    assert account.legal_name in page.content()
    found = {path: violations for path, violations in found.items() if violations}
    assert not found, found
