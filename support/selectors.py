"""Reads of billing-support requests, scoped to a user and the account they work on: another account's
request, attachment or credit memo is a 404, never a leak. Staff's queue reads are in support/admin.py."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import CustomerAccount, User
from invoices.models import CreditMemo, Invoice, InvoiceLine, InvoiceState
from payments.models import RemittanceAdvice
from support.models import OPEN_STATUSES, RequestAttachment, RequestMessage, SupportRequest


def requests_for_user(*, user: User, account: CustomerAccount) -> QuerySet[SupportRequest]:
    """The account's requests the user may see: none unless they are a member of it."""
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    return (
        SupportRequest.objects.filter(account=account, account__memberships__user=user)
        .select_related("invoice", "opened_by")
        .order_by("-created_at", "-id")
    )


def request_for_user(*, user: User, account: CustomerAccount, request_id: int) -> SupportRequest:
    return get_object_or_404(
        requests_for_user(user=user, account=account).select_related(
            "credit_memo", "new_invoice", "refund", "remittance_advice"
        ),
        pk=request_id,
    )


def request_thread(*, support_request: SupportRequest) -> list[RequestMessage]:
    """The conversation as the customer sees it (internal notes left out), with its files."""
    return list(
        support_request.messages.filter(internal=False)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=RequestAttachment.objects.order_by("pk")))
    )


def attachment_for_user(*, user: User, account: CustomerAccount, token: str) -> RequestAttachment:
    """A file of one of the account's requests, never of an internal note."""
    return get_object_or_404(
        RequestAttachment.objects.select_related("request"),
        token=token,
        message__internal=False,
        request__in=requests_for_user(user=user, account=account),
    )


def requests_open_for_invoice(*, invoice: Invoice) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(invoice=invoice, status__in=OPEN_STATUSES)


def invoice_open_dispute(*, invoice: Invoice) -> SupportRequest | None:
    return requests_open_for_invoice(invoice=invoice).filter(kind="dispute").first()


def disputable_invoices(*, user: User, account: CustomerAccount) -> QuerySet[Invoice]:
    """Invoices a dispute may be filed on: issued (paid or not), not already disputed or cancelled."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return Invoice.objects.filter(
        account=account, account__memberships__user=user, state=InvoiceState.ISSUED
    ).order_by("-issue_date", "-id")


def invoice_choices_for_user(*, user: User, account: CustomerAccount) -> QuerySet[Invoice]:
    """Invoices a request may name (late transfer, service credit): every visible one."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return (
        Invoice.objects.visible()
        .filter(account=account, account__memberships__user=user)
        .order_by("-issue_date", "-id")
    )


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.order_by("position", "pk"))


def transfer_announcement_for(
    *, user: User, account: CustomerAccount, invoice: Invoice
) -> RemittanceAdvice | None:
    """The latest transfer the customer announced for `invoice` (payments), to pre-fill a late-transfer
    request with its date and amount."""
    if not user.is_authenticated or invoice.account_id != account.pk:
        return None
    return (
        RemittanceAdvice.objects.filter(account=account, invoice=invoice, account__memberships__user=user)
        .exclude(status=RemittanceAdvice.Status.WITHDRAWN)
        .order_by("-paid_on", "-pk")
        .first()
    )


def credit_memos_for_user(*, user: User, account: CustomerAccount) -> QuerySet[CreditMemo]:
    """The account's credit memos (the Documents list), newest first."""
    if not user.is_authenticated:
        return CreditMemo.objects.none()
    return (
        CreditMemo.objects.filter(invoice__account=account, invoice__account__memberships__user=user)
        .select_related("invoice")
        .order_by("-issued_at", "-pk")
    )


def credit_memo_for_user(*, user: User, account: CustomerAccount, number: str) -> CreditMemo:
    return get_object_or_404(credit_memos_for_user(user=user, account=account), number=number)


def memo_request(*, memo: CreditMemo) -> SupportRequest | None:
    """The dispute a credit memo resolved, if any (its contested lines are printed on the memo)."""
    return SupportRequest.objects.filter(credit_memo=memo).prefetch_related("lines").first()


def requests_open_count(*, user: User, account: CustomerAccount) -> int:
    return requests_for_user(user=user, account=account).filter(status__in=OPEN_STATUSES).count()


def requests_waiting_on_support(
    *, older_than: datetime.timedelta | None = None, now: datetime.datetime | None = None
) -> QuerySet[SupportRequest]:
    """Open requests where billing support owes an answer, oldest wait first (the SLA queue)."""
    queryset = SupportRequest.objects.filter(status__in=OPEN_STATUSES, waiting_since__isnull=False)
    if older_than is not None:
        queryset = queryset.filter(waiting_since__lte=(now or timezone.now()) - older_than)
    return queryset.filter(~Q(status="waiting_for_customer")).order_by("waiting_since")
