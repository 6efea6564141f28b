"""Payments page: history with the invoices each payment covered, account credit, refunds; receipts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import account_required
from payments.models import PaymentMethod, PaymentStatus
from payments.selectors import (
    account_credit_summary,
    late_credits_refundable,
    payment_for_user,
    payment_history_rows,
    payments_for_user,
    refunds_for_account,
)

PAGE_SIZE = 25


@require_GET
@account_required
def index(request):
    account = request.account
    status = request.GET.get("status", "")
    method = request.GET.get("method", "")
    status = status if status in PaymentStatus.values else ""
    method = method if method in PaymentMethod.values else ""
    payments = payments_for_user(user=request.user, account=account, status=status, method=method)
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (row.payment, row.covered, row.credited) for row in payment_history_rows(payments=page.object_list)
    ]
    return render(
        request,
        "payments/index.html",
        {
            "account": account,
            "may_manage_autopay": request.user.has_perm("payments.manage_autopay", account),
            "rows": rows,
            "page": page,
            "status": status,
            "method": method,
            "statuses": PaymentStatus.choices,
            "methods": PaymentMethod.choices,
            "credits": account_credit_summary(account=account),
            "late_credits": late_credits_refundable(account=account),
            "refunds": refunds_for_account(account=account)[:10],
            "may_pay": request.user.has_perm("accounts.pay", account),
            "may_refund": request.user.has_perm("accounts.manage_team", account),
        },
    )


@require_GET
@login_required
def receipt(request, reference: str):
    """Receipt PDF of a succeeded payment, in the account's language."""
    from payments.receipts import payment_receipt_pdf

    account = request.account
    if account is None:
        raise Http404
    payment = payment_for_user(user=request.user, account=account, reference=reference)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Http404("Only a succeeded payment has a receipt.")
    response = HttpResponse(payment_receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.reference}.pdf"'
    return response
