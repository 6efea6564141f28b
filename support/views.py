"""Requests pages: the list, filing one (a form per kind), the conversation, files and credit memos.
Thin: parse, call a selector or a service, render. Viewers read; payers and billing contacts file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import account_required
from accounts.selectors import account_representatives
from core.money import format_money
from invoices.credit_memo_document import credit_memo_file_name, credit_memo_pdf_bytes
from invoices.models import InvoiceState
from support.attachments import AttachmentRefused, IncomingFile, attachment_bytes
from support.exceptions import SupportError
from support.forms import KIND_FORM_FIELDS, ReplyForm, RequestForm
from support.models import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, RequestKind
from support.selectors import (
    attachment_for_user,
    credit_memo_for_user,
    credit_memos_for_user,
    disputable_invoices,
    invoice_choices_for_user,
    invoice_lines,
    request_for_user,
    request_thread,
    requests_for_user,
    transfer_announcement_for,
)
from support.services import request_message_post, request_open


def _may_file(request) -> bool:
    return request.user.has_perm("support.file_request", request.account)


def _incoming_files(request) -> list[IncomingFile]:
    files = request.FILES.getlist("files")
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise AttachmentRefused(
            _("At most %(count)s files per message.") % {"count": MAX_ATTACHMENTS_PER_MESSAGE}
        )
    incoming = []
    for upload in files:
        if upload.size > MAX_ATTACHMENT_BYTES:  # refused before reading it whole
            raise AttachmentRefused(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
        incoming.append(IncomingFile(name=upload.name or "file", data=upload.read()))
    return incoming


@account_required
@require_GET
def index(request):
    return render(
        request,
        "support/index.html",
        {
            "requests": requests_for_user(user=request.user, account=request.account),
            "may_file": _may_file(request),
            "representatives": account_representatives(account=request.account),
        },
    )


def _form_context(request, kind: str, invoice_number: str):
    if kind == RequestKind.DISPUTE:
        invoices = list(disputable_invoices(user=request.user, account=request.account))
    else:
        invoices = list(invoice_choices_for_user(user=request.user, account=request.account))
    invoice = next((inv for inv in invoices if inv.number == invoice_number), None)
    lines = invoice_lines(invoice=invoice) if invoice is not None and kind == RequestKind.DISPUTE else []
    return invoices, invoice, lines


def _initial(request, kind: str, invoice) -> dict:
    initial: dict = {"invoice": invoice.number if invoice else ""}
    if kind == RequestKind.LATE_TRANSFER and invoice is not None:
        # Pre-filled from the transfer the customer announced on the invoice (payments).
        advice = transfer_announcement_for(user=request.user, account=request.account, invoice=invoice)
        if advice is not None:
            initial.update(payment_date=advice.paid_on, payment_amount=advice.amount)
    return initial


@account_required
def new(request):
    if not _may_file(request):
        raise PermissionDenied
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in RequestKind.values:
        return render(request, "support/choose_kind.html", {"kinds": RequestKind.choices})
    invoice_number = request.POST.get("invoice") or request.GET.get("invoice") or ""
    invoices, invoice, lines = _form_context(request, kind, invoice_number)
    form = RequestForm(
        request.POST or None,
        kind=kind,
        invoices=invoices,
        lines=lines,
        initial=_initial(request, kind, invoice),
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_request = request_open(
                account=request.account,
                user=request.user,
                kind=kind,
                subject=form.cleaned_data.get("subject", ""),
                description=form.cleaned_data.get("description", ""),
                invoice=form.cleaned_data["invoice_obj"],
                lines=form.cleaned_data["line_objs"],
                fields=form.service_fields(),
                files=_incoming_files(request),
                request=request,
            )
        except AttachmentRefused as error:
            form.add_error(None, str(error))
            form.files_error = str(error)
        except SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your request %(reference)s was sent to billing support.")
                % {"reference": support_request.reference},
            )
            return redirect("support:detail", request_id=support_request.pk)
    return render(
        request,
        "support/new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": RequestKind(kind).label,
            "invoice": invoice,
            "shows_invoice": "invoice" in KIND_FORM_FIELDS[kind],
            "invoice_total": format_money(invoice.total, invoice.currency) if invoice else "",
            "invoice_paid": invoice is not None
            and invoice.state == InvoiceState.ISSUED
            and invoice.amount_due == 0,
        },
        status=400 if form.errors else 200,
    )


@account_required
def detail(request, request_id: int):
    support_request = request_for_user(user=request.user, account=request.account, request_id=request_id)
    return render(
        request,
        "support/detail.html",
        {
            "req": support_request,
            "thread": request_thread(support_request=support_request),
            "reply_form": ReplyForm(),
            "may_file": _may_file(request),
            "lines": list(support_request.lines.order_by("position")),
        },
    )


@account_required
@require_POST
def reply(request, request_id: int):
    support_request = request_for_user(user=request.user, account=request.account, request_id=request_id)
    if not _may_file(request):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            request_message_post(
                support_request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=_incoming_files(request),
                request=request,
            )
        except SupportError as exc:
            error = str(exc)
        except AttachmentRefused as exc:
            error = str(exc)
        else:
            messages.success(request, _("Your message was sent to billing support."))
            return redirect("support:detail", request_id=support_request.pk)
    return render(
        request,
        "support/detail.html",
        {
            "req": support_request,
            "thread": request_thread(support_request=support_request),
            "reply_form": form,
            "reply_error": error,
            "may_file": True,
            "lines": list(support_request.lines.order_by("position")),
        },
        status=400,
    )


def _file_response(data: bytes, *, content_type: str, file_name: str, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, file_name) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@account_required
@require_GET
def attachment(request, request_id: int, token: str):
    support_request = request_for_user(user=request.user, account=request.account, request_id=request_id)
    file = attachment_for_user(user=request.user, account=request.account, token=token)
    if file.request_id != support_request.pk:
        raise Http404
    return _file_response(
        attachment_bytes(file),
        content_type=file.content_type,
        file_name=file.name,
        inline=bool(request.GET.get("inline")),
    )


@account_required
@require_GET
def documents(request):
    return render(
        request,
        "support/documents.html",
        {"memos": credit_memos_for_user(user=request.user, account=request.account)},
    )


@account_required
@require_GET
def credit_memo_pdf(request, memo_number: str):
    memo = credit_memo_for_user(user=request.user, account=request.account, number=memo_number)
    if not request.user.has_perm("accounts.download_documents", request.account):
        raise PermissionDenied
    return _file_response(
        credit_memo_pdf_bytes(memo=memo),
        content_type="application/pdf",
        file_name=credit_memo_file_name(memo=memo),
        inline=bool(request.GET.get("inline")),
    )
