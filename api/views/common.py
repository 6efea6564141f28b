"""What every API view shares: the account of the call, documents as attachments, the keyset paginations."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from accounts.models import CustomerAccount
from api.auth import MayWrite, api_account
from api.errors import READ_ERRORS, errors
from api.pagination import KeysetPagination
from api.serializers import REFERENCE


class AccountView(APIView):
    """An API view that works on the caller's account (the token's, or the session's current one)."""

    def account(self) -> CustomerAccount:
        account = api_account(self.request)
        if account is None:  # HasAccount let the request in: only a race with a removal ends here
            raise NotFound()
        return account


class DocumentView(AccountView):
    """Answers a file (PDF, XML): negotiation never refuses it, errors still come back as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def path_number(name: str, description: str) -> OpenApiParameter:
    """A number in the path (invoice, credit memo, payment): letters, digits, dot, dash, underscore."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": REFERENCE, "maxLength": 40},
        OpenApiParameter.PATH,
        description=description,
    )


def attachment(*, data: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def document_responses(*media_types: str) -> dict:
    ok = {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The document.")
        for media_type in media_types
    }
    return {**ok, **errors(*READ_ERRORS)}


class InvoicePagination(KeysetPagination):
    ordering = (("issue_date", datetime.date), ("id", int))


class CreatedPagination(KeysetPagination):
    ordering = (("created_at", datetime.datetime), ("id", int))


class IssuedPagination(KeysetPagination):
    ordering = (("issued_at", datetime.datetime), ("id", int))


class ReadsAndCreates(AccountView):
    """A list that also takes a POST: reading needs the account, creating needs a token or role that may write."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [MayWrite()]
        return super().get_permissions()
