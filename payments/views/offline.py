"""Offline money for customers: announce a transfer or cheque, apply account credit, ask for a refund."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from core.money import format_money
from invoices.selectors import invoice_for_user, remittance_for_currency
from payments.ledger import PaymentError
from payments.offline_forms import RemittanceAdviceForm
from payments.policy import invoice_payment_options
from payments.selectors import remittance_advice_for_user, remittance_advices_for_invoice
from payments.services.credit import account_credit_apply as credit_apply_service
from payments.services.credit import refund_request as refund_request_service
from payments.services.offline import remittance_advice_record, remittance_advice_withdraw


def _require(request, perm: str) -> None:
    if request.account is None or not request.user.has_perm(perm, request.account):
        raise PermissionDenied


def remittance_panel_context(*, request, invoice, form=None) -> dict:
    """What templates/payments/_remittance_panel.html needs; the invoice page can call it too.

    The form is offered only where the method policy lets this invoice be paid by transfer (not, say,
    under 2 000 USD in a card country); the POST is checked again by the service.
    """
    may_pay = request.user.has_perm("accounts.pay", invoice.account)
    options = invoice_payment_options(invoice=invoice)
    if form is None and may_pay and invoice.can_be_paid() and options.offline:
        form = RemittanceAdviceForm(invoice=invoice)
    return {
        "invoice": invoice,
        "transfers": remittance_advices_for_invoice(invoice=invoice),
        "advice_form": form,
        "may_pay": may_pay,
        "offline_offered": options.offline,
        "policy_notes": options.notes,
        "next_url": request.get_full_path(),
    }


@require_http_methods(["GET", "POST"])
@account_required
def remittance_advice(request, number: str):
    """Record a remittance advice for one invoice and see the transfers announced for it."""
    invoice = invoice_for_user(user=request.user, account=request.account, number=number)
    form = None
    if request.method == "POST":
        _require(request, "accounts.pay")
        form = RemittanceAdviceForm(request.POST, invoice=invoice)
        if form.is_valid():
            try:
                remittance_advice_record(
                    invoice=invoice,
                    user=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except PaymentError as error:
                form.add_error(None, str(error))
            else:
                thanks = _("Thank you: your payment of %(amount)s for invoice %(number)s is announced.") % {
                    "amount": format_money(form.cleaned_data["amount"], invoice.currency),
                    "number": invoice.number,
                }
                if request.htmx:
                    context = remittance_panel_context(request=request, invoice=invoice)
                    return render(request, "payments/_remittance_panel.html", {**context, "thanks": thanks})
                messages.success(request, thanks)
                return redirect(reverse("payments:remittance_advice", args=[invoice.number]))
    context = remittance_panel_context(request=request, invoice=invoice, form=form)
    context["instruction"] = remittance_for_currency(currency=invoice.currency)
    if request.htmx:
        # htmx swaps only 2xx answers: the panel with its errors comes back as a 200.
        return render(request, "payments/_remittance_panel.html", context)
    status = 400 if form is not None and form.errors else 200
    return render(request, "payments/remittance_advice.html", context, status=status)


@require_POST
@account_required
def remittance_withdraw(request, number: str, advice_id: int):
    """The customer takes back an announced transfer (not sent, or stopped), e.g. before paying by card."""
    advice = remittance_advice_for_user(
        user=request.user, account=request.account, number=number, pk=advice_id
    )
    _require(request, "accounts.pay")
    try:
        remittance_advice_withdraw(advice=advice, user=request.user, request=request)
    except PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The transfer of %(amount)s announced for invoice %(number)s is withdrawn.")
            % {"amount": format_money(advice.amount, advice.currency), "number": number},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("payments:remittance_advice", args=[number])
    return redirect(next_url)


def _credit_action(request, *, perm: str, run, success):
    """POST-only credit actions of the payments page: run the service, flash its outcome, go back."""
    _require(request, perm)
    try:
        result = run()
    except PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(result))
    return redirect("payments:index")


@require_POST
@login_required
def account_credit_apply(request, currency: str):
    return _credit_action(
        request,
        perm="accounts.pay",
        run=lambda: credit_apply_service(
            account=request.account, currency=currency.upper(), actor=request.user, request=request
        ),
        success=lambda payment: (
            _("%(amount)s of account credit was applied to your open invoices (%(reference)s).")
            % {"amount": format_money(payment.amount, payment.currency), "reference": payment.reference}
        ),
    )


@require_POST
@login_required
def refund_request(request, currency: str):
    return _credit_action(
        request,
        perm="accounts.manage_team",
        run=lambda: refund_request_service(
            account=request.account, currency=currency.upper(), actor=request.user, request=request
        ),
        success=lambda refund: (
            _("Your refund request of %(amount)s was sent to billing support.")
            % {"amount": format_money(refund.amount, refund.currency)}
        ),
    )
