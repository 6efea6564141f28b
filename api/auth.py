"""Who calls the API and for which account: a personal access token (Bearer), or the portal's session.

With a token, the account is the token's and the role the token's (never above its maker's current role).
With a session, the account is the one chosen in the portal's header and the role the user's membership.
Views ask `api_account(request)` and `api_may_write(request)`, never the token or the session directly.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from accounts.middleware import current_account_of
from accounts.models import CustomerAccount
from api.models import AccessToken
from api.tokens import token_authenticate, token_use_record


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer cc_…`. A bad, expired or revoked token is a 401, never a fallback to anonymous."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: use Bearer <token>."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = token_authenticate(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is invalid, expired or revoked."))
        token_use_record(token=token, request=request._request)
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token made by a billing contact (Team → API tokens).",
        }


def api_token(request) -> AccessToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, AccessToken) else None


def api_account(request) -> CustomerAccount | None:
    token = api_token(request)
    if token is not None:
        return token.account
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_api_account"):
        request._api_account = current_account_of(user=request.user, session=request.session)
    return request._api_account


def api_may_write(request) -> bool:
    """Announce a transfer, open a request: a payer token, or a session whose role may pay."""
    account = api_account(request)
    if account is None:
        return False
    token = api_token(request)
    if token is not None and not token.may_write:
        return False
    return request.user.has_perm("accounts.pay", account)


class HasAccount(permissions.BasePermission):
    """Signed in (token or session) and working on an account the user belongs to."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        account = api_account(request)
        return account is not None and request.user.has_perm("accounts.view_account", account)


class MayWrite(HasAccount):
    message = _("This token or role can only read: ask a billing contact for a payer token.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and api_may_write(request)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (or per signed-in user for the session); the rate is settings.API_RATE."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        token = api_token(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
