"""The provider steps of a payment started on the pay page: card (3-D Secure), direct debit, PayPal."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from checkout.views.common import (
    GATEWAY_DOWN,
    _payer_account,
    _payment,
    _retry_url,
    _user,
)
from payments.ledger import PaymentError
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.pay_forms import DebitMandateForm
from payments.providers.base import GatewayError
from payments.providers.messages import provider_message_display
from payments.services import online_charge as charge
from payments.services.online import DEBIT_METHODS


def _continue(request: HttpRequest, payment: Payment) -> HttpResponse:
    """Where a started payment goes next, by method and status."""
    if payment.status != PaymentStatus.PENDING:
        return redirect("payments:confirmation", payment.reference)
    if payment.method == PaymentMethod.CARD:
        return redirect("payments:pay_card", payment.reference)
    if payment.method in DEBIT_METHODS:
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
        return redirect(_retry_url(payment))
    return redirect(url)


def _stripe_context(payment: Payment, **extra: Any) -> dict[str, Any]:
    return {
        "payment": payment,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "retry_url": _retry_url(payment),
        **extra,
    }


def _after_charge(
    request: HttpRequest, outcome: charge.ChargeOutcome, template: str, **extra: Any
) -> HttpResponse:
    payment = outcome.payment
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING):
        return redirect("payments:confirmation", payment.reference)
    secret = "payment_secret" if outcome.needs_payment_method else "action_secret"
    context = _stripe_context(
        payment,
        error=provider_message_display(outcome.error or ""),
        **{secret: outcome.client_secret},
        **extra,
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def pay_card(request: HttpRequest, reference: str) -> HttpResponse:
    """The PaymentIntent is created here from our payment row; Stripe.js confirms it with the card details
    (they go from the browser to Stripe only), with 3-D Secure there when the bank asks, then posts to
    pay_card_complete. A reload (or a POST from an older page) reads where the PaymentIntent stands."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    if payment.method != PaymentMethod.CARD:
        raise Http404
    template = "checkout/pay_card.html"
    if payment.status != PaymentStatus.PENDING:
        return _after_charge(request, charge.ChargeOutcome(payment, error=payment.failure_message), template)
    try:
        outcome = charge.payment_card_intent(payment=payment, actor=_user(request), request=request)
    except GatewayError:
        return render(request, template, _stripe_context(payment, error=str(GATEWAY_DOWN)))
    return _after_charge(request, outcome, template)


@require_POST
@login_required
def pay_card_complete(request: HttpRequest, reference: str) -> HttpResponse:
    """After Stripe.js confirmed the PaymentIntent (and 3-D Secure, if asked): read and apply its outcome."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    try:
        outcome = charge.payment_stripe_refresh(payment=payment, actor=_user(request), request=request)
    except GatewayError:
        return render(request, "checkout/pay_card.html", _stripe_context(payment, error=str(GATEWAY_DOWN)))
    if outcome.payment.status == PaymentStatus.PENDING and not outcome.needs_payment_method:
        outcome = replace(
            outcome, error=_("Your bank has not confirmed the payment yet. Nothing was charged.")
        )
    return _after_charge(request, outcome, "checkout/pay_card.html")


@require_http_methods(["GET", "POST"])
@login_required
def pay_debit(request: HttpRequest, reference: str) -> HttpResponse:
    """SEPA direct debit: the payer accepts the mandate and gives the IBAN to Stripe.js; we then debit it."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    if payment.method not in DEBIT_METHODS:
        raise Http404
    template = "checkout/pay_debit.html"
    form = DebitMandateForm(
        request.POST or None,
        initial={"email": _user(request).email, "account_holder": payment.account.legal_name},
    )
    try:
        if request.method == "POST" and form.is_valid():
            outcome = charge.payment_stripe_charge(
                payment=payment,
                setup_intent_id=form.cleaned_data["setup_intent"],
                actor=_user(request),
                request=request,
            )
            return _after_charge(request, outcome, template, form=form)
        if payment.status != PaymentStatus.PENDING:
            return redirect("payments:confirmation", payment.reference)
        secret = charge.payment_setup_start(payment=payment)
    except GatewayError:
        return render(request, template, _stripe_context(payment, form=form, error=str(GATEWAY_DOWN)))
    return render(request, template, _stripe_context(payment, form=form, setup_secret=secret))


@login_required
def paypal_return(request: HttpRequest, reference: str) -> HttpResponse:
    """The payer approved the order in PayPal: capture it (once, whatever reloads happen)."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    try:
        outcome = charge.payment_paypal_capture(
            payment=payment,
            order_id=request.GET.get("token", ""),
            actor=_user(request),
            request=request,
        )
    except GatewayError:
        messages.error(request, str(GATEWAY_DOWN))
        return redirect(_retry_url(payment))
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect(_retry_url(payment))
    if outcome.error:
        reason = provider_message_display(outcome.error)
        messages.error(request, _("PayPal did not complete the payment: %(reason)s") % {"reason": reason})
        return redirect(_retry_url(payment))
    return redirect("payments:confirmation", payment.reference)


@login_required
def paypal_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    charge.payment_paypal_cancel(
        payment=payment,
        order_id=request.GET.get("token", ""),
        actor=_user(request),
        request=request,
    )
    messages.info(request, _("You cancelled the payment in PayPal. Nothing was charged."))
    return redirect(_retry_url(payment))
