"""Request checks and response headers that hold for every view of the project."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulByteInRequest(SuspiciousOperation):
    """A NUL byte where no text of ours can hold one (logged by Django as django.security.NulByteInRequest)."""


def _has_nul(items: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in items)


class RejectNulBytesMiddleware:
    """A NUL byte in the path, the query string or a form answers 400 (Django's handler for a
    SuspiciousOperation), before any view reads it: PostgreSQL cannot store NUL in text, so a lookup with
    one raised DataError, a 500, on every view that queries by a URL argument or a parameter.

    Form bodies are read only when they are forms (CsrfViewMiddleware reads them anyway); a webhook's JSON
    body is left to its view. A cookie holding NUL is dropped (an unknown session), not refused: a cookie
    can be set by someone other than the visitor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info or NUL in request.path:
            raise NulByteInRequest("NUL byte in the URL path")
        if _has_nul(request.GET.lists()):
            raise NulByteInRequest("NUL byte in the query string")
        is_form = request.method == "POST" and request.content_type in FORM_CONTENT_TYPES
        if is_form and _has_nul(request.POST.lists()):
            raise NulByteInRequest("NUL byte in the form")
        for name in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
            del request.COOKIES[name]
        return self.get_response(request)


class PrivateWhenSignedInMiddleware:
    """Every answer to a signed-in user is `Cache-Control: private, no-store`: invoices, balances and team
    pages must not stay in a shared proxy's cache or in the browser's history cache after sign-out.
    (Placed after AuthenticationMiddleware; a view's own max-age gives way to no-store.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
