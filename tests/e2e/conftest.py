"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live_server."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def sign_in(page, live_server):
    """`sign_in(user)`: fill the real sign-in form in the browser; returns the page on the dashboard."""

    def do_sign_in(user, password=PASSWORD):
        page.goto(f"{live_server.url}/account/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_sign_in
