"""Invoices, their lines, documents (PDF, e-invoice) and credit memos."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import READ_ERRORS, errors
from api.serializers import (
    CreditMemoSerializer,
    InvoiceDetailSerializer,
    InvoiceFilterSerializer,
    InvoiceLineSerializer,
    InvoiceSerializer,
    money,
)
from api.views.common import (
    AccountView,
    DocumentView,
    InvoicePagination,
    IssuedPagination,
    attachment,
    document_responses,
    path_number,
)
from invoices.einvoicing import einvoicing_enabled, ubl_file_name
from invoices.einvoicing.pdf import facturx_file_name, invoice_facturx_bytes
from invoices.einvoicing.xml import invoice_cii_xml, invoice_ubl_xml
from invoices.models import CreditMemo
from invoices.pdf import invoice_fresh, pdf_file_name
from invoices.selectors import (
    InvoiceListFilters,
    invoice_applied_entries,
    invoice_detail_for_user,
    invoice_for_user,
    invoice_list_for_user,
    invoice_order_numbers,
    invoices_for_user,
)
from invoices.services import invoice_download_record, invoice_pdf_bytes

NUMBER = path_number("number", "Invoice number.")


class InvoiceList(AccountView, GenericAPIView):
    pagination_class = InvoicePagination

    @extend_schema(
        operation_id="invoices_list",
        summary="Invoices, newest first",
        description="Filters as on the Invoices page; cursor pagination (follow `next`).",
        parameters=[InvoiceFilterSerializer],
        responses={200: InvoiceSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["invoices"],
    )
    def get(self, request):
        params = InvoiceFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = InvoiceListFilters(
            status=data.get("status", ""),
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            currency=data.get("currency", ""),
            kind=data.get("kind", ""),
            query=data.get("q", "").strip(),
        )
        invoices = invoice_list_for_user(user=request.user, account=self.account(), filters=filters)
        page = self.paginate_queryset(invoices)
        return self.get_paginated_response(InvoiceSerializer(page, many=True).data)


class InvoiceDetail(AccountView):
    @extend_schema(
        operation_id="invoices_retrieve",
        summary="One invoice with its lines and what was applied to it",
        parameters=[NUMBER],
        responses={200: InvoiceDetailSerializer, **errors(*READ_ERRORS)},
        tags=["invoices"],
    )
    def get(self, request, number: str):
        invoice = invoice_detail_for_user(user=request.user, account=self.account(), number=number)
        payload = InvoiceSerializer(invoice).data
        payload["order_numbers"] = invoice_order_numbers(invoice=invoice)
        payload["lines"] = InvoiceLineSerializer(invoice.lines.all(), many=True).data
        payload["applied"] = [
            {
                "date": entry.date.isoformat(),
                "kind": entry.kind,
                "reference": entry.reference,
                "amount": money(entry.amount, invoice.currency),
            }
            for entry in invoice_applied_entries(invoice=invoice)
        ]
        return Response(payload)


class InvoiceLines(AccountView):
    @extend_schema(
        operation_id="invoices_lines_list",
        summary="The lines of an invoice",
        parameters=[NUMBER],
        responses={200: InvoiceLineSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["invoices"],
    )
    def get(self, request, number: str):
        invoice = invoice_detail_for_user(user=request.user, account=self.account(), number=number)
        return Response(InvoiceLineSerializer(invoice.lines.all(), many=True).data)


class InvoicePdf(DocumentView):
    @extend_schema(
        operation_id="invoices_pdf",
        summary="The invoice PDF (logged in the activity log as a download)",
        parameters=[NUMBER],
        responses=document_responses("application/pdf"),
        tags=["invoices"],
    )
    def get(self, request, number: str):
        invoice = invoice_for_user(user=request.user, account=self.account(), number=number)
        data = invoice_pdf_bytes(invoice=invoice)
        invoice_download_record(invoice=invoice, actor=request.user, request=request._request)
        return attachment(data=data, content_type="application/pdf", file_name=pdf_file_name(invoice=invoice))


class EInvoiceFormatParams(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["facturx", "cii", "ubl"],
        default="facturx",
        help_text="facturx: PDF/A-3 with the CII XML inside; cii or ubl: the XML alone.",
    )


class InvoiceEInvoice(DocumentView):
    @extend_schema(
        operation_id="invoices_einvoice",
        summary="The electronic invoice: Factur-X PDF, or its CII or UBL 2.1 XML",
        description="404 when electronic invoicing is not enabled on this site.",
        parameters=[NUMBER, EInvoiceFormatParams],
        responses=document_responses("application/pdf", "application/xml"),
        tags=["invoices"],
    )
    def get(self, request, number: str):
        params = EInvoiceFormatParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        chosen = params.validated_data["format"]
        invoice = invoice_for_user(user=request.user, account=self.account(), number=number)
        if not einvoicing_enabled():
            raise Http404
        if chosen == "facturx":
            data = invoice_facturx_bytes(invoice=invoice)
            content_type, file_name, label = (
                "application/pdf",
                facturx_file_name(number=invoice.number),
                "Factur-X",
            )
        else:
            invoice = invoice_fresh(invoice)
            content_type, label = "application/xml", chosen.upper()
            if chosen == "ubl":
                data, file_name = invoice_ubl_xml(invoice=invoice), ubl_file_name(number=invoice.number)
            else:
                data = invoice_cii_xml(invoice=invoice)
                file_name = f"{pdf_file_name(invoice=invoice)[:-4]}-factur-x.xml"
        invoice_download_record(invoice=invoice, actor=request.user, request=request._request, document=label)
        return attachment(data=data, content_type=content_type, file_name=file_name)


class CreditMemoList(AccountView, GenericAPIView):
    pagination_class = IssuedPagination

    @extend_schema(
        operation_id="credit_memos_list",
        summary="Credit memos, newest first",
        responses={200: CreditMemoSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["credit memos"],
    )
    def get(self, request):
        memos = CreditMemo.objects.filter(
            invoice__in=invoices_for_user(user=request.user, account=self.account())
        ).select_related("invoice")
        page = self.paginate_queryset(memos)
        return self.get_paginated_response(CreditMemoSerializer(page, many=True).data)


class CreditMemoDetail(AccountView):
    @extend_schema(
        operation_id="credit_memos_retrieve",
        summary="One credit memo",
        parameters=[path_number("number", "Credit memo number.")],
        responses={200: CreditMemoSerializer, **errors(*READ_ERRORS)},
        tags=["credit memos"],
    )
    def get(self, request, number: str):
        memo = (
            CreditMemo.objects.filter(
                invoice__in=invoices_for_user(user=request.user, account=self.account())
            )
            .select_related("invoice")
            .filter(number=number)
            .first()
        )
        if memo is None:
            raise Http404
        return Response(CreditMemoSerializer(memo).data)
