"""Every error of the API has one shape, declared in the schema for each status an operation can answer:

    {"error": {"code": "not_found", "message": "Not found.", "fields": {"amount": ["…"]}}}

`code` is stable and meant for programs; `message` is for people (in the request's language);
`fields` appears on validation errors only, one list of messages per field of the request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApiError(exceptions.APIException):
    """A well-formed request that a business rule refuses in the current state of the account (the balance
    left, the payment policy, today's date): 409, code "refused", with a message safe to show. The same
    request may succeed at another time; a malformed one is a 400 ("invalid")."""

    status_code = 409
    default_code = "refused"


def _flatten(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_flatten(item) for item in detail.values())
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    error: dict = {"code": "error", "message": ""}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        error["fields"] = {
            name: [str(message) for message in _as_list(messages)] for name, messages in detail.items()
        }
        error["message"] = str(_("The request is invalid: see the fields."))
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else exc.default_code
        error["message"] = _flatten(exc.detail)
    headers = {name: value for name, value in response.items() if name in ("WWW-Authenticate", "Retry-After")}
    return Response({"error": error}, status=response.status_code, headers=headers)


_GENERIC = {
    400: ("bad_request", "The request is not valid."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    500: ("server_error", "The server failed; try again later."),
}


def api_error_response(*, status: int) -> HttpResponse:
    """The JSON error for a request no API view answered (Django's 400/403/404/500 handlers under /api/)."""
    code, message = _GENERIC[status]
    return JsonResponse({"error": {"code": code, "message": _(message)}}, status=status)


def _as_list(messages) -> list:
    if isinstance(messages, list):
        return [_flatten(message) for message in messages]
    return [_flatten(messages)]


ErrorBody = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(help_text="Stable, for programs: not_found, invalid, …"),
                "message": serializers.CharField(help_text="For people, in the request's language."),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text="Validation errors only: messages per request field.",
                ),
            },
        )
    },
)

_DESCRIPTIONS = {
    400: "Invalid request: see `error.fields`.",
    401: "No credentials, or a token that is invalid, expired or revoked.",
    403: "Signed in, but this token or role may not do this.",
    404: "No such object in this account.",
    406: "The Accept header asks for a format this operation does not produce.",
    409: "Refused by a business rule in the account's current state (balance, payment policy, dates).",
    415: "The request body is not JSON.",
    429: "Too many requests for this token: wait `Retry-After` seconds.",
}


def errors(*codes: int) -> dict:
    """The error responses of an operation, for @extend_schema(responses={**ok, **errors(...)})."""
    return {code: OpenApiResponse(ErrorBody, description=_DESCRIPTIONS[code]) for code in codes}


READ_ERRORS = (400, 401, 403, 404, 406, 429)
WRITE_ERRORS = (400, 401, 403, 404, 406, 409, 415, 429)
