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
