"""Today's pay flow (main before the checkout app), kept ONLY for bench/pay_submit.py to measure against.

A copy of payments/views/pay.py's `pay` view and helpers as they were on main, importing the same
services (which now read holds without a clock: the same queries as the 30-minute window). Its
`rewards_offered` is main's, from payments/policy.py. Not used by the product.
"""
# ruff: noqa

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from checkout.forms import PayForm
from invoices.selectors import invoices_for_user
from payments.ledger import PaymentError
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.policy import OFFLINE_METHODS, ONLINE_METHODS, payment_options
from payments.providers.base import GatewayError
from payments.selectors import payments_for_user
from payments.services import online
from payments.services import online_charge as charge
from rewards.exceptions import RewardsError
from rewards.selectors import rewards_applicable_amount
from rewards.services import rewards_preview, rewards_redeem

GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached. Nothing was charged; please try again in a moment."
)


def rewards_offered(*, invoices):
    return any(rewards_applicable_amount(invoice=invoice) > 0 for invoice in invoices)


def _payer_account(request):
    if request.account is None:
        return None
    if not request.user.has_perm("accounts.pay", request.account):
        raise PermissionDenied
    return request.account


def _payment(request, reference: str) -> Payment:
    payments = payments_for_user(user=request.user, account=request.account).select_related("account")
    return get_object_or_404(payments, reference=reference)


def _selected_numbers(request, account) -> list[str]:
    data = request.POST if request.method == "POST" else request.GET
    numbers = [n for n in data.getlist("invoice") if n]
    if not numbers and data.get("overdue"):
        overdue = (
            invoices_for_user(user=request.user, account=account)
            .payable()
            .filter(due_date__lt=timezone.localdate())
            .order_by("due_date")
        )
        currency = data.get("currency") or (
            account.currency if overdue.filter(currency=account.currency).exists() else None
        )
        if currency:
            overdue = overdue.filter(currency=currency)
        elif overdue.exists():
            overdue = overdue.filter(currency=overdue.first().currency)
        numbers = list(overdue.values_list("number", flat=True))
    return numbers


def _rows(invoices, held: dict, parts: dict) -> list[dict]:
    return [{"invoice": inv, "held": held.get(inv.pk), "part": parts.get(inv.pk)} for inv in invoices]


def _pay_url(numbers) -> str:
    return reverse("payments:pay") + "?" + urlencode([("invoice", n) for n in numbers])


@require_http_methods(["GET", "POST"])
@login_required
def pay(request):
    """Pay one invoice or several of one currency: ?invoice=<number> (repeatable) or ?overdue=1."""
    account = _payer_account(request)
    if account is None:
        return render(request, "portal/no_access.html")
    numbers = _selected_numbers(request, account)
    invoices = online.invoices_to_pay(user=request.user, account=account, numbers=numbers)
    if len(invoices) != len(set(numbers)):
        raise Http404
    held = online.invoice_amounts_held(invoices=invoices)
    context = {"invoices": invoices, "numbers": numbers, "rows": _rows(invoices, held, {})}
    try:
        base_plan = online.payment_plan(invoices=invoices)
    except PaymentError as error:
        return render(request, "checkout/pay.html", {**context, "blocked": str(error)})
    rewards = rewards_offered(invoices=invoices)
    amount = base_plan.total_available
    # Any online method validates; the policy for the chosen amount decides below which are offered.
    form = PayForm(
        request.POST or None, methods=list(ONLINE_METHODS), rewards=rewards, initial={"amount": amount}
    )
    plan = base_plan
    if form.is_bound and form.is_valid() and form.cleaned_data["amount"]:
        try:
            plan = online.payment_plan(invoices=invoices, amount=form.cleaned_data["amount"])
        except PaymentError as error:
            form.add_error("amount", str(error))
    options = payment_options(
        country=account.country,
        currency=plan.currency,
        amount=plan.amount,
        invoice_balances=plan.balances,
    )
    form.fields["method"].choices = [(m, PaymentMethod(m).label) for m in options.methods]
    if len(options.methods) == 1:
        form.fields["method"].initial = options.methods[0]
    chosen = form.cleaned_data.get("method") if form.is_bound and hasattr(form, "cleaned_data") else ""
    if chosen and chosen not in options.methods and "refresh" not in request.POST:
        form.add_error(
            "method", " ".join(options.notes) or _("This method is not available for this payment.")
        )
    context["rows"] = _rows(invoices, plan.held, {invoice.pk: part for invoice, part in plan.parts})
    context.update(form=form, plan=plan, options=options, offline_methods=OFFLINE_METHODS, rewards=rewards)
    if request.method == "GET" or "refresh" in request.POST or form.errors:
        return render(request, "checkout/pay.html", context)
    return _pay_submit(request, account, form, plan, context)


def _pay_submit(request, account, form, plan, context):
    """Rewards first (checked with a preview before anything is written), then the rest by the chosen method."""
    method = form.cleaned_data["method"]
    code = form.cleaned_data.get("rewards_code")
    previews = _rewards_previews(request, account, form, plan, code) if code else {}
    if previews is None:
        return render(request, "checkout/pay.html", context)
    remaining = plan.amount - sum(previews.values(), Decimal("0"))
    if remaining > 0:
        options = payment_options(
            country=account.country,
            currency=plan.currency,
            amount=remaining,
            invoice_balances=[
                inv.amount_due - previews.get(inv.pk, Decimal("0"))
                for inv in plan.invoices
                if plan.available[inv.pk] > 0
            ],
        )
        if not method or method not in options.methods:
            form.add_error("method", " ".join(options.notes) if method else _("Choose a payment method."))
            return render(request, "checkout/pay.html", context)
    redeemed = _rewards_redeem(request, account, form, plan, code) if previews else []
    if redeemed is None:
        return render(request, "checkout/pay.html", context)
    if remaining <= 0:
        messages.success(request, _("Support Rewards paid the whole amount."))
        return redirect("payments:confirmation", redeemed[0].reference)
    try:
        payment = online.payment_start(
            user=request.user,
            account=account,
            invoice_numbers=[invoice.number for invoice in plan.invoices],
            amount=remaining,
            method=method,
            idempotency_key=form.cleaned_data["token"],
            request=request,
        )
    except online.MethodNotOffered as error:
        form.add_error("method", str(error))
        return render(request, "checkout/pay.html", context)
    except PaymentError as error:
        form.add_error(None, str(error))
        return render(request, "checkout/pay.html", context)
    return _continue(request, payment)


def _rewards_invoices(plan) -> list:
    """The invoices of the selection that Support Rewards may still pay on."""
    return [invoice for invoice, _part in plan.parts if rewards_applicable_amount(invoice=invoice) > 0]


def _rewards_previews(request, account, form, plan, code) -> dict | None:
    """What the code would pay on each eligible invoice of the selection; None (error on the field) if refused."""
    previews = {}
    for invoice in _rewards_invoices(plan):
        try:
            previews[invoice.pk] = rewards_preview(
                user=request.user, account=account, invoice=invoice, code=code
            ).total
        except RewardsError as error:
            form.add_error("rewards_code", str(error))
            return None
    if not previews:
        form.add_error("rewards_code", _("Support Rewards cannot pay these invoices."))
        return None
    return previews


def _rewards_redeem(request, account, form, plan, code):
    redeemed = []
    for invoice in _rewards_invoices(plan):
        try:
            redeemed.append(
                rewards_redeem(
                    user=request.user,
                    account=account,
                    invoice=invoice,
                    code=code,
                    request=request,
                    idempotency_key=f"{form.cleaned_data['token']}-{invoice.pk}",
                )
            )
        except RewardsError as error:
            form.add_error("rewards_code", str(error))
            return None
    return redeemed


def _continue(request, payment: Payment):
    """Where a started payment goes next, by method and status."""
    if payment.status != PaymentStatus.PENDING:
        return redirect("payments:confirmation", payment.reference)
    if payment.method == PaymentMethod.CARD:
        return redirect("payments:pay_card", payment.reference)
    if payment.method in online.DEBIT_METHODS:
        return redirect("payments:pay_debit", payment.reference)
    try:
        url = charge.payment_paypal_approval_url(
            payment=payment,
            return_url=request.build_absolute_uri(
                reverse("payments:paypal_return", args=[payment.reference])
            ),
            cancel_url=request.build_absolute_uri(
                reverse("payments:paypal_cancel", args=[payment.reference])
            ),
        )
    except GatewayError:
        messages.error(request, str(GATEWAY_DOWN))
        return redirect(_pay_url([entry["number"] for entry in payment.intended_allocations]))
    return redirect(url)
