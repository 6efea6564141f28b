"""Issue 11, "done when": each demo persona walks the main pages in French and in English.

A page fails the walk if it shows a raw activity code, an English word on a French page, an amount that
Babel did not format, or an error status without the portal's styled error page. axe finds no serious
violation on the pages issue 11 added (activity log, refusal and not-found pages).
"""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command

from accounts.models import User
from accounts.selectors import accounts_for_user
from invoices.models import Invoice
from portal.demo import PASSWORD
from tests.e2e.test_accessibility import serious_violations
from tests.security.test_staff_mfa import totp_code

pytestmark = [pytest.mark.e2e]

RAW_CODE = re.compile(
    r"\b(?:auth|account|invitation|member|contact|billing_contact|support|invoice|payment|refund|autopay|rewards)"
    r"\.[a-z_]+\b"
)
# An amount Babel did not format: a bare decimal next to a currency code ("1500.25 EUR", "USD 12.00").
BARE_AMOUNT = re.compile(r"\b\d+\.\d{2} ?(?:EUR|USD|GBP|CHF)\b|\b(?:EUR|USD|GBP|CHF) ?\d+\.\d{2}\b")
# Words that give away an untranslated string on a French page (portal words, not customer data).
ENGLISH_TELLTALES = [
    "Sign out",
    "Dashboard",
    "Download",
    "Amount due",
    "Due date",
    "Questions about a bill",
    "applied to",
    "received by",
    "signed in",
    "Signed in",
    "Not available for your role",
    "Page not found",
    "Back to the dashboard",
    "Vendor support",
    "Your role on",
    "billing contact",
    "Payment succeeded",
    "Invoice downloaded",
]

CUSTOMER_PAGES = ["/", "/invoices/", "/invoices/{invoice}/", "/payments/", "/rewards/", "/orders/", "/help/"]
PERSONAS = {
    "billing contact": (
        "ap@acme.example",
        [*CUSTOMER_PAGES, "/team/", "/team/contacts/", "/team/activity/"],
        [],
    ),
    "payer": ("payer@acme.example", CUSTOMER_PAGES, ["/team/", "/team/activity/"]),
    "viewer": (
        "viewer@acme.example",
        CUSTOMER_PAGES,
        ["/team/", "/team/activity/", "/payments/pay/?invoice={invoice}", "/payments/autopay/"],
    ),
    "French billing contact": (
        "compta@lumiere.example",
        [*CUSTOMER_PAGES, "/team/", "/team/activity/"],
        [],
    ),
    "support staff": (
        "support@vendor.example",
        ["/admin/", "/admin/accounts/customeraccount/", "/admin/accounts/activityentry/"],
        [],
    ),
}
NEW_PAGES = {"/team/activity/"}  # axe also runs on every refusal and on the not-found page


def problems_on(page, *, language: str, status: int) -> list[str]:
    found = []
    text = page.inner_text("body")
    html = page.content()
    found += [f"raw code {code!r}" for code in sorted(set(RAW_CODE.findall(text)))]
    found += [f"unformatted amount {amount!r}" for amount in sorted(set(BARE_AMOUNT.findall(text)))]
    if language == "fr":
        found += [f"English {word!r}" for word in ENGLISH_TELLTALES if word in text]
    if status >= 400 and ('data-testid="error-page"' not in html or "portal.css" not in html):
        found.append(f"unstyled {status} page")
    return found


def choose_language(page, language: str) -> None:
    other = {"fr": "Français", "en": "English"}[language]
    button = page.get_by_role("button", name=other)
    if button.count():
        button.first.click()
        page.wait_for_load_state()


def sign_in_as(page, live_server, user: User, *, totp_secret: str) -> None:
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    if "/2fa/" in page.url:
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = False  # the real 404 and 500 handlers, as in production
    call_command("seed_demo", stdout=io.StringIO())
    staff = User.objects.get(email="support@vendor.example")
    Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return secret


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_persona_walks_the_portal_without_developer_leftovers(demo, page, live_server, persona, language):
    email, pages, refused = PERSONAS[persona]
    user = User.objects.get(email=email)
    sign_in_as(page, live_server, user, totp_secret=demo)
    choose_language(page, language)
    account = accounts_for_user(user=user).first()
    invoice = Invoice.objects.filter(account=account).order_by("number").first() if account else None
    number = invoice.number if invoice else "NONE"
    found: dict[str, list[str]] = {}
    axe: dict[str, list[str]] = {}
    visits = [(path, False) for path in pages] + [(path, True) for path in [*refused, "/no-such-page/"]]
    for path, expect_error in visits:
        url = path.format(invoice=number)
        response = page.goto(live_server.url + url)
        status = response.status if response else 0
        if expect_error and status < 400:
            found.setdefault(url, []).append(f"expected a refusal, got {status}")
        if not expect_error and status >= 400:
            found.setdefault(url, []).append(f"status {status}")
        issues = problems_on(page, language=language, status=status)
        if page.locator("html").get_attribute("lang") != language:
            issues.append(f"page not in {language}")
        if issues:
            found.setdefault(url, []).extend(issues)
        if expect_error or path in NEW_PAGES:
            violations = serious_violations(page)
            if violations:
                axe[url] = violations
    assert not found, found
    assert not axe, axe


def test_the_walks_detectors_catch_what_the_issue_reported():
    text = "payment.allocated 1500.25 EUR of PAY-1 applied to INV-2; rewards.deposited"
    assert RAW_CODE.findall(text) == ["payment.allocated", "rewards.deposited"]
    assert BARE_AMOUNT.findall(text) == ["1500.25 EUR"]
    assert not RAW_CODE.findall("ap@acme.example, support@vendor.example, 1\u202f500,25\xa0€")
    assert not BARE_AMOUNT.findall("€1,500.25 and 1\u202f500,25\xa0€")
