from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_KEY = "current_account_id"


def current_account_of(*, user, session):
    """The account `user` works on: the one chosen in the header (kept in the session), else their first."""
    return _current_of(_member_accounts(user), session)


def _member_accounts(user) -> list:
    """The user's accounts (accounts_with_role_for_user); their roles fill the cache of
    accounts.permissions.role_of, so a page's permission checks and menus query nothing more."""
    from accounts.selectors import accounts_with_role_for_user

    if user is None or not user.is_authenticated:
        return []
    accounts = accounts_with_role_for_user(user=user)
    user._role_cache = {account.pk: account.member_role for account in accounts}  # type: ignore[attr-defined]
    return accounts


def _current_of(accounts: list, session):
    chosen = session.get(SESSION_KEY) if session is not None else None
    return next((account for account in accounts if account.pk == chosen), accounts[0] if accounts else None)


def resolve_current_account(request):
    """The account the user works on: the one chosen in the header, else their first one. Also sets
    `request.member_accounts`, the header's account switcher (portal.context_processors)."""
    request.member_accounts = _member_accounts(request.user)
    return _current_of(request.member_accounts, request.session)


class CurrentAccountMiddleware:
    """Sets `request.account`: the customer account the signed-in user is working on, or None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.account = resolve_current_account(request)
        return self.get_response(request)


def staff_mfa_passed(request) -> bool:
    """This session passed a second factor (TOTP, or a recovery code) after the password.

    allauth keeps the methods used in the session; "mfa" is recorded by the TOTP step of the sign-in,
    by MFA re-authentication, and by TOTP enrolment (accounts.signals.record_totp_enrolment).
    """
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffMFAMiddleware:
    """Vendor staff (superusers too) open the admin only in a session that passed TOTP.

    Without an authenticator they are sent to enrol one; with one but a session signed in without it
    (enrolled since, or a session from before this rule), to type a code again. Customers are not
    concerned: the portal's pages don't require a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff and self._guards(request.path):
            if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                messages.info(
                    request,
                    _(
                        "Vendor staff open the admin with two-factor authentication: set up an authenticator app."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
            if not staff_mfa_passed(request):
                return redirect(
                    f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)

    @staticmethod
    def _guards(path: str) -> bool:
        return path.startswith(reverse("admin:index")) and path != reverse("admin:logout")
