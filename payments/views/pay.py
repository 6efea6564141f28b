"""The online pay flow: choose amount and method, pay by card, direct debit or PayPal, see the confirmation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
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
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from invoices.selectors import invoices_for_user
from payments.ledger import PaymentError
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.pay_forms import DebitMandateForm, PayForm
from payments.policy import OFFLINE_METHODS, ONLINE_METHODS, payment_options, rewards_offered
from payments.providers.base import GatewayError
from payments.providers.messages import provider_message_display
from payments.selectors import (
    disputed_invoices_with_balance,
    payments_for_user,
    remittance_advices_announced,
)
from payments.services import online
from payments.services import online_charge as charge
from rewards.exceptions import RewardsError
from rewards.selectors import rewards_applicable_amount
from rewards.services import rewards_preview, rewards_redeem

GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached. Nothing was charged; please try again in a moment."
)


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
    context = {
        "invoices": invoices,
        "numbers": numbers,
        "rows": _rows(invoices, held, {}),
        # Notices (payments/_announced_transfer_notice.html, _disputed_notice.html): a transfer already
        # announced for these invoices, and disputed invoices that are not offered.
        "announced_transfers": remittance_advices_announced(invoices=invoices),
        "disputed_invoices": disputed_invoices_with_balance(invoices=invoices),
        "next_url": _pay_url(numbers),
    }
    try:
        base_plan = online.payment_plan(invoices=invoices)
    except PaymentError as error:
        return render(request, "payments/pay.html", {**context, "blocked": str(error)})
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
        return render(request, "payments/pay.html", context)
    return _pay_submit(request, account, form, plan, context)


def _pay_submit(request, account, form, plan, context):
    """Rewards first (checked with a preview before anything is written), then the rest by the chosen method."""
    method = form.cleaned_data["method"]
    code = form.cleaned_data.get("rewards_code")
    previews = _rewards_previews(request, account, form, plan, code) if code else {}
    if previews is None:
        return render(request, "payments/pay.html", context)
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
            return render(request, "payments/pay.html", context)
    redeemed = _rewards_redeem(request, account, form, plan, code) if previews else []
    if redeemed is None:
        return render(request, "payments/pay.html", context)
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
        return render(request, "payments/pay.html", context)
    except PaymentError as error:
        form.add_error(None, str(error))
        return render(request, "payments/pay.html", context)
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


def _stripe_context(request, payment: Payment, **extra) -> dict:
    return {
        "payment": payment,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "retry_url": _pay_url([entry["number"] for entry in payment.intended_allocations]),
        **extra,
    }


def _after_charge(request, outcome: charge.ChargeOutcome, template: str, **extra):
    payment = outcome.payment
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING):
        return redirect("payments:confirmation", payment.reference)
    return render(
        request,
        template,
        _stripe_context(
            request,
            payment,
            action_secret=outcome.client_secret,
            error=provider_message_display(outcome.error or ""),
            **extra,
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def pay_card(request, reference: str):
    """Card details go from Stripe.js to Stripe (SetupIntent); the server then charges the payment method."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    if payment.method != PaymentMethod.CARD:
        raise Http404
    try:
        if request.method == "POST":
            outcome = charge.payment_stripe_charge(
                payment=payment,
                setup_intent_id=request.POST.get("setup_intent", ""),
                actor=request.user,
                request=request,
            )
            return _after_charge(request, outcome, "payments/pay_card.html")
        if payment.status != PaymentStatus.PENDING:
            return _after_charge(
                request,
                charge.ChargeOutcome(payment, error=payment.failure_message),
                "payments/pay_card.html",
            )
        secret = "" if payment.provider_reference else charge.payment_setup_start(payment=payment)
    except GatewayError:
        return render(
            request, "payments/pay_card.html", _stripe_context(request, payment, error=str(GATEWAY_DOWN))
        )
    if payment.provider_reference:  # charged already, waiting for 3-D Secure: read where it stands
        return _after_charge(
            request,
            charge.payment_stripe_refresh(payment=payment, actor=request.user),
            "payments/pay_card.html",
        )
    return render(request, "payments/pay_card.html", _stripe_context(request, payment, setup_secret=secret))


@require_POST
@login_required
def pay_card_complete(request, reference: str):
    """After 3-D Secure in the browser: read the PaymentIntent's outcome."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    try:
        outcome = charge.payment_stripe_refresh(payment=payment, actor=request.user, request=request)
    except GatewayError:
        return render(
            request, "payments/pay_card.html", _stripe_context(request, payment, error=str(GATEWAY_DOWN))
        )
    if outcome.payment.status == PaymentStatus.PENDING:
        outcome = charge.ChargeOutcome(
            outcome.payment,
            client_secret=outcome.client_secret,
            error=_("Your bank has not confirmed the payment yet. Nothing was charged."),
        )
    return _after_charge(request, outcome, "payments/pay_card.html")


@require_http_methods(["GET", "POST"])
@login_required
def pay_debit(request, reference: str):
    """SEPA direct debit: the payer accepts the mandate and gives the IBAN to Stripe.js; we then debit it."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    if payment.method not in online.DEBIT_METHODS:
        raise Http404
    form = DebitMandateForm(
        request.POST or None,
        initial={"email": request.user.email, "account_holder": payment.account.legal_name},
    )
    try:
        if request.method == "POST" and form.is_valid():
            outcome = charge.payment_stripe_charge(
                payment=payment,
                setup_intent_id=form.cleaned_data["setup_intent"],
                actor=request.user,
                request=request,
            )
            return _after_charge(request, outcome, "payments/pay_debit.html", form=form)
        if payment.status != PaymentStatus.PENDING:
            return redirect("payments:confirmation", payment.reference)
        secret = charge.payment_setup_start(payment=payment)
    except GatewayError:
        return render(
            request,
            "payments/pay_debit.html",
            _stripe_context(request, payment, form=form, error=str(GATEWAY_DOWN)),
        )
    return render(
        request, "payments/pay_debit.html", _stripe_context(request, payment, form=form, setup_secret=secret)
    )


@login_required
def paypal_return(request, reference: str):
    """The payer approved the order in PayPal: capture it (once, whatever reloads happen)."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    retry = _pay_url([entry["number"] for entry in payment.intended_allocations])
    try:
        outcome = charge.payment_paypal_capture(
            payment=payment, order_id=request.GET.get("token", ""), actor=request.user, request=request
        )
    except GatewayError:
        messages.error(request, str(GATEWAY_DOWN))
        return redirect(retry)
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect(retry)
    if outcome.error:
        messages.error(
            request,
            _("PayPal did not complete the payment: %(reason)s")
            % {"reason": provider_message_display(outcome.error)},
        )
        return redirect(retry)
    return redirect("payments:confirmation", payment.reference)


@login_required
def paypal_cancel(request, reference: str):
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    charge.payment_paypal_cancel(
        payment=payment, order_id=request.GET.get("token", ""), actor=request.user, request=request
    )
    messages.info(request, _("You cancelled the payment in PayPal. Nothing was charged."))
    return redirect(_pay_url([entry["number"] for entry in payment.intended_allocations]))


@account_required
def confirmation(request, reference: str):
    """What was paid, on which invoices, and the reference to quote."""
    payment = _payment(request, reference)
    allocations = list(payment.allocations.select_related("invoice").order_by("invoice__due_date", "id"))
    numbers = [entry["number"] for entry in payment.intended_allocations]
    invoices = {
        inv.number: inv
        for inv in invoices_for_user(user=request.user, account=request.account).filter(number__in=numbers)
    }
    intended = [
        {
            "invoice": invoices.get(entry["number"]),
            "number": entry["number"],
            "amount": Decimal(entry["amount"]),
        }
        for entry in payment.intended_allocations
    ]
    return render(
        request,
        "payments/confirmation.html",
        {
            "payment": payment,
            "allocations": [a for a in allocations if a.amount > 0],
            "intended": intended,
            "may_autopay": request.user.has_perm("payments.manage_autopay", request.account),
        },
    )
