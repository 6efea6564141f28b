"""Billing-support requests: read the account's requests, open one (a payer token or role).

Each kind has its own body (the schema's `oneOf`, chosen by `kind`), so a body the schema accepts has what
that kind needs. A new tax number needs its registration certificate attached: file it on the portal.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, errors
from api.serializers import REFERENCE, TEXT, AmountField, StrictRegexField
from api.views.common import AccountView, CreatedPagination, ReadsAndCreates
from invoices.selectors import invoice_for_user
from support.exceptions import SupportError
from support.models import DisputeReason, RequestKind, RequestStatus
from support.selectors import request_for_user, requests_for_user
from support.services import request_open

MAX_ID = 2**63 - 1
# Text that is not only spaces (and holds no NUL).
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


class SupportRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    subject = serializers.CharField()
    invoice = serializers.CharField(source="invoice.number", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="How billing support closed it; empty while open.")
    outcome_message = serializers.CharField()


class _Open(serializers.Serializer):
    subject = StrictRegexField(TEXT, max_length=200, required=False, allow_blank=True)
    description = StrictRegexField(TEXT, max_length=5000, required=False, allow_blank=True)


def _kind(value: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[value])


class DisputeOpen(_Open):
    kind = _kind(RequestKind.DISPUTE)
    invoice = StrictRegexField(REFERENCE, max_length=40, help_text="The invoice contested.")
    dispute_reason = serializers.ChoiceField(choices=DisputeReason.choices)
    contested_amount = AmountField(required=False, help_text="Default: the whole invoice.")


class PoNumberOpen(_Open):
    kind = _kind(RequestKind.PO_NUMBER)
    po_number = StrictRegexField(NOT_BLANK, max_length=60)
    po_value = AmountField(required=False)
    po_valid_until = serializers.DateField(required=False)


class BillingDetailsOpen(_Open):
    kind = _kind(RequestKind.BILLING_DETAILS)
    new_legal_name = StrictRegexField(NOT_BLANK, max_length=200)


class LateTransferOpen(_Open):
    kind = _kind(RequestKind.LATE_TRANSFER)
    invoice = StrictRegexField(REFERENCE, max_length=40)
    payment_date = serializers.DateField(help_text="Not in the future.")
    payment_amount = AmountField()


class PaymentDetailsOpen(_Open):
    kind = _kind(RequestKind.PAYMENT_DETAILS)


class CancellationOpen(_Open):
    kind = _kind(RequestKind.CANCELLATION)
    services = StrictRegexField(TEXT, max_length=300, required=False, allow_blank=True)
    effective_date = serializers.DateField(required=False)


class ServiceCreditOpen(_Open):
    kind = _kind(RequestKind.SERVICE_CREDIT)
    invoice = StrictRegexField(REFERENCE, max_length=40, required=False)
    requested_amount = AmountField(required=False)
    services = StrictRegexField(TEXT, max_length=300, required=False, allow_blank=True)


class OtherOpen(_Open):
    kind = _kind(RequestKind.OTHER)


OPEN_BODIES: dict[str, type[_Open]] = {
    RequestKind.DISPUTE: DisputeOpen,
    RequestKind.PO_NUMBER: PoNumberOpen,
    RequestKind.BILLING_DETAILS: BillingDetailsOpen,
    RequestKind.LATE_TRANSFER: LateTransferOpen,
    RequestKind.PAYMENT_DETAILS: PaymentDetailsOpen,
    RequestKind.CANCELLATION: CancellationOpen,
    RequestKind.SERVICE_CREDIT: ServiceCreditOpen,
    RequestKind.OTHER: OtherOpen,
}
OPEN_BODY = PolymorphicProxySerializer(
    component_name="SupportRequestOpen",
    serializers={str(kind): body for kind, body in OPEN_BODIES.items()},
    resource_type_field_name="kind",
)


class SupportRequestList(ReadsAndCreates, GenericAPIView):
    pagination_class = CreatedPagination

    @extend_schema(
        operation_id="support_requests_list",
        summary="Billing-support requests, newest first",
        responses={200: SupportRequestSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["support"],
    )
    def get(self, request):
        requests = requests_for_user(user=request.user, account=self.account()).select_related("invoice")
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(SupportRequestSerializer(page, many=True).data)

    @extend_schema(
        operation_id="support_requests_create",
        summary="Open a billing-support request (a dispute marks the invoice disputed)",
        request=OPEN_BODY,
        responses={201: SupportRequestSerializer, **errors(*WRITE_ERRORS)},
        tags=["support"],
    )
    def post(self, request):
        kind = request.data.get("kind") if isinstance(request.data, dict) else None
        body_class = OPEN_BODIES.get(kind) if isinstance(kind, str) else None
        if body_class is None:
            raise serializers.ValidationError({"kind": ["Choose one of: " + ", ".join(OPEN_BODIES) + "."]})
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        account = self.account()
        number = data.pop("invoice", None)
        invoice = invoice_for_user(user=request.user, account=account, number=number) if number else None
        common = {name: data.pop(name, "") for name in ("kind", "subject", "description")}
        try:
            opened = request_open(
                account=account,
                user=request.user,
                invoice=invoice,
                fields=data,
                request=request._request,
                **common,
            )
        except SupportError as error:
            raise ApiError(str(error)) from None
        return Response(SupportRequestSerializer(opened).data, status=201)


class SupportRequestDetail(AccountView):
    @extend_schema(
        operation_id="support_requests_retrieve",
        summary="One billing-support request",
        parameters=[
            OpenApiParameter(
                "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH
            )
        ],
        responses={200: SupportRequestSerializer, **errors(*READ_ERRORS)},
        tags=["support"],
    )
    def get(self, request, id: int):
        if id > MAX_ID:
            raise Http404
        return Response(
            SupportRequestSerializer(
                request_for_user(user=request.user, account=self.account(), request_id=id)
            ).data
        )
