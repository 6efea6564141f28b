"""Issue 11 item 5: the recovery-codes page and the admin account page fit a 390 px wide phone screen."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.urls import reverse

from accounts.models import CustomerAccount, User
from portal.demo import PASSWORD
from tests.security.test_staff_mfa import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def overflow(page) -> str:
    """'' if the page fits its viewport's width, else the widths and the elements that stick out."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return "";
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(0, 8)
            .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + el.className);
          return document.documentElement.scrollWidth + " > " + width + ": " + wide.join(", ");
        }"""
    )


@pytest.mark.parametrize("language", ["fr-FR", "en-US"])
def test_recovery_codes_and_admin_account_pages_fit_a_phone(browser, live_server, language):
    call_command("seed_demo", stdout=io.StringIO())
    staff = User.objects.get(email="support@vendor.example")
    Authenticator.objects.filter(user=staff).delete()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    RecoveryCodes.activate(staff)
    account = CustomerAccount.objects.order_by("pk").first()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=language)
    page = context.new_page()
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/2fa/**")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)

    page.goto(f"{live_server.url}{reverse('mfa_view_recovery_codes')}")
    if "/reauthenticate/" in page.url:  # allauth asks the password again before showing the codes
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_url("**/2fa/recovery-codes/")
    codes = RecoveryCodes(staff.authenticator_set.get(type="recovery_codes")).get_unused_codes()
    assert codes[0] in page.content()
    assert overflow(page) == "", "recovery codes page"

    page.goto(f"{live_server.url}{reverse('admin:accounts_customeraccount_change', args=[account.pk])}")
    assert account.customer_number in page.locator("body").inner_text()
    assert overflow(page) == "", "admin account page"
    context.close()
