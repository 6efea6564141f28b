"""The refusal and error pages (403, 404, 500): styled like the portal, in the reader's language.

Each says what the user's role on the current account allows and who the account's billing contacts
are, so a refused user knows whom to ask.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from accounts.refusals import refusal, role_context
from api.errors import api_error_response

logger = logging.getLogger(__name__)


def _api_error(request, status: int) -> HttpResponse | None:
    """Under /api/ every error is the API's JSON error, even when no API view answered (a URL that matches
    no operation, a request refused by a middleware)."""
    if request.path.startswith("/api/"):
        return api_error_response(status=status)
    return None


def error_400(request, exception=None) -> HttpResponse:
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def error_403(request, exception=None) -> HttpResponse:
    return _api_error(request, 403) or refusal(request)


def error_404(request, exception=None) -> HttpResponse:
    return _api_error(request, 404) or render(request, "errors/404.html", role_context(request), status=404)


def error_500(request) -> HttpResponse:
    """The server failed: render without touching the database if the full page cannot be built."""
    if (api := _api_error(request, 500)) is not None:
        return api
    try:
        return render(request, "errors/500.html", role_context(request), status=500)
    except Exception:  # the database or a context processor may be what failed
        logger.exception("The full 500 page could not be rendered; serving the minimal one.")
        return HttpResponseServerError(render_to_string("errors/500.html", {"minimal": True}))
