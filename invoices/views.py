from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.decorators import account_required
from accounts.middleware import SESSION_KEY
from accounts.models import EInvoiceFormat
from core.csv import csv_text_cell
from invoices.einvoicing import account_einvoice_format, einvoicing_enabled, ubl_file_name
from invoices.einvoicing.pdf import credit_memo_facturx_render, facturx_file_name, invoice_facturx_bytes
from invoices.einvoicing.xml import invoice_cii_xml, invoice_ubl_xml
from invoices.forms import InvoiceFilterForm
from invoices.line_explanations import invoice_line_explanations
from invoices.models import CreditMemo
from invoices.page_rows import invoices_overdue_exist
from invoices.pagination import InvoicePaginator
from invoices.payment_ways import invoice_payment_ways, payment_policy_memo_start
from invoices.pdf import invoice_fresh, pdf_file_name
from invoices.selectors import (
    MEMOS_OLDEST_FIRST,
    invoice_account_for_user,
    invoice_applied_entries,
    invoice_currencies_for_account,
    invoice_detail_for_user,
    invoice_list_for_user,
    invoice_order_numbers,
    invoices_with_applied,
    remittance_for_currency,
)
from invoices.services import invoice_download_record, invoice_pdf_bytes

PAGE_SIZE = 25
COLUMNS = [
    ("number", _("Invoice"), ""),
    ("issue_date", _("Issue date"), ""),
    ("due_date", _("Due date"), ""),
    ("status", _("Status"), ""),
    ("total", _("Total"), "num"),
    ("balance", _("Balance due"), "num"),
]
CSV_COLUMNS = [
    "number",
    "issue_date",
    "due_date",
    "status",
    "kind",
    "currency",
    "total",
    "credited",
    "rewards_applied",
    "paid_applied",
    "amount_due",
    "po_number",
]


def _sortable_columns(current: str) -> list[dict]:
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = []
    for key, label, css in COLUMNS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "css": css,
                "next_sort": f"-{key}" if active and not descending else key,
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return columns


def _filter_form(request) -> InvoiceFilterForm:
    # Read when the currency select is drawn or a currency is checked: a results-only (htmx) request
    # with no currency filter doesn't query them.
    form = InvoiceFilterForm(
        request.GET or None, currencies=lambda: invoice_currencies_for_account(account=request.account)
    )
    if form.is_bound:
        form.is_valid()
    return form


@account_required
@require_GET
def index(request):
    form = _filter_form(request)
    filters = form.filters()
    invoices = invoice_list_for_user(user=request.user, account=request.account, filters=filters)
    page = InvoicePaginator(
        invoices,
        PAGE_SIZE,
        sort=filters.sort,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    ).get_page(request.GET.get("page"))
    may_pay = request.user.has_perm("accounts.pay", request.account)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "invoices": page.object_list,
        "columns": _sortable_columns(filters.sort),
        "may_pay": may_pay,
        "offers_facturx": account_einvoice_format(account=request.account) == EInvoiceFormat.FACTURX,
    }
    # htmx swaps only the results when a filter changes; the full page works without JavaScript.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return render(request, "invoices/_results.html", context)
    context["has_overdue"] = may_pay and invoices_overdue_exist(user=request.user, account=request.account)
    return render(request, "invoices/index.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(invoices) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for invoice in invoices.iterator(chunk_size=1000):
        yield writer.writerow(
            [
                csv_text_cell(invoice.number),
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.status,
                invoice.kind,
                invoice.currency,
                invoice.total,
                invoice.credited,
                invoice.rewards_applied,
                invoice.paid_applied,
                invoice.amount_due,
                csv_text_cell(invoice.po_number),
            ]
        )


@account_required
@require_GET
def export_csv(request):
    """The filtered list, every page, as CSV (streamed: an account with 10 000 invoices stays cheap)."""
    filters = _filter_form(request).filters()
    invoices = invoices_with_applied(
        invoice_list_for_user(user=request.user, account=request.account, filters=filters)
    )
    response = StreamingHttpResponse(_csv_rows(invoices), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="invoices-{request.account.customer_number}-{stamp}.csv"'
    )
    return response


def _switch_to_invoice_account(request, number: str):
    """An emailed link may name an invoice of another of the user's accounts: work on that account then.

    Only accounts the user is a member of are considered, so another customer's number is still a 404.
    """
    account = invoice_account_for_user(user=request.user, number=number)
    if account is None or account == request.account:
        raise Http404
    request.session[SESSION_KEY] = account.pk
    messages.info(request, _("You are now working on %(account)s.") % {"account": account.legal_name})
    return redirect(request.get_full_path())


def _invoice_or_response(request, number: str):
    """(invoice, None), or (None, the page to answer instead: no access, or the switch to its account)."""
    if request.account is None:
        return None, render(request, "portal/no_access.html")
    try:
        return invoice_detail_for_user(user=request.user, account=request.account, number=number), None
    except Http404:
        return None, _switch_to_invoice_account(request, number)


@login_required
@require_GET
def detail(request, number: str):
    invoice, response = _invoice_or_response(request, number)
    if response is not None:
        return response
    payment_policy_memo_start(invoice=invoice)  # the page and its panels ask the payment policy once
    lines = list(invoice.lines.all())
    explanations = invoice_line_explanations(lines=lines)  # "Why this amount?" (registered by orders)
    for line in lines:
        line.why = explanations.get(line.pk)
    context = {
        "invoice": invoice,
        "lines": lines,
        "applied": invoice_applied_entries(invoice=invoice),
        "remittance": remittance_for_currency(currency=invoice.currency),
        "payment_ways": invoice_payment_ways(invoice=invoice),
        "order_numbers": invoice_order_numbers(invoice=invoice),
        "may_pay": request.user.has_perm("accounts.pay", request.account) and invoice.can_be_paid(),
        "may_download": request.user.has_perm("accounts.download_documents", request.account),
        "einvoicing": einvoicing_enabled(),
        "einvoice_format": account_einvoice_format(account=invoice.account),
        "credit_memos": getattr(invoice, MEMOS_OLDEST_FIRST),
    }
    return render(request, "invoices/detail.html", context)


def _document_response(request, *, data: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def pdf(request, number: str):
    invoice, response = _invoice_or_response(request, number)
    if response is not None:
        return response
    if not request.user.has_perm("accounts.download_documents", request.account):
        raise PermissionDenied
    data = invoice_pdf_bytes(invoice=invoice)
    invoice_download_record(invoice=invoice, actor=request.user, request=request)
    return _document_response(
        request, data=data, content_type="application/pdf", file_name=pdf_file_name(invoice=invoice)
    )


def _einvoice_or_response(request, number: str):
    """(invoice, None) when e-invoices are on and the user may download documents, else (None, response)."""
    if not einvoicing_enabled():
        raise Http404
    invoice, response = _invoice_or_response(request, number)
    if response is None and not request.user.has_perm("accounts.download_documents", request.account):
        raise PermissionDenied
    return invoice, response


@login_required
@require_GET
def facturx_pdf(request, number: str):
    """The Factur-X PDF (PDF/A-3b with the EN 16931 XML embedded), whatever the account's email format."""
    invoice, response = _einvoice_or_response(request, number)
    if response is not None:
        return response
    data = invoice_facturx_bytes(invoice=invoice)
    invoice_download_record(invoice=invoice, actor=request.user, request=request, document="Factur-X")
    return _document_response(
        request, data=data, content_type="application/pdf", file_name=facturx_file_name(number=invoice.number)
    )


@login_required
@require_GET
def einvoice_xml(request, number: str, syntax: str):
    """The e-invoice XML alone: Factur-X CII (`cii`) or UBL 2.1 (`ubl`)."""
    if syntax not in ("cii", "ubl"):
        raise Http404
    invoice, response = _einvoice_or_response(request, number)
    if response is not None:
        return response
    invoice = invoice_fresh(invoice)
    if syntax == "ubl":
        data, file_name = invoice_ubl_xml(invoice=invoice), ubl_file_name(number=invoice.number)
    else:
        data, file_name = (
            invoice_cii_xml(invoice=invoice),
            f"{pdf_file_name(invoice=invoice)[:-4]}-factur-x.xml",
        )
    invoice_download_record(invoice=invoice, actor=request.user, request=request, document=syntax.upper())
    return _document_response(request, data=data, content_type="application/xml", file_name=file_name)


@login_required
@require_GET
def credit_memo_facturx(request, number: str, memo_number: str):
    """A credit memo of the invoice as a Factur-X PDF (type 381, referring to the invoice)."""
    invoice, response = _einvoice_or_response(request, number)
    if response is not None:
        return response
    memo = get_object_or_404(
        CreditMemo.objects.select_related("invoice__account"), invoice=invoice, number=memo_number
    )
    memo.invoice = invoice_fresh(invoice)
    data, _xml = credit_memo_facturx_render(memo=memo)
    invoice_download_record(
        invoice=invoice, actor=request.user, request=request, document=f"{memo.number} Factur-X"
    )
    return _document_response(
        request, data=data, content_type="application/pdf", file_name=facturx_file_name(number=memo.number)
    )
