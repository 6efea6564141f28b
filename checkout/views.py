"""The pay pages: choose amount and method, pay by card, direct debit or PayPal, see the confirmation.

Views parse the request, call one service or selector, and render: the plan, the policy, rewards and
every decision live in checkout.services (and the payments services it calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from accounts.models import CustomerAccount, User
from checkout.forms import PayForm
from checkout.selectors import (
    attempts_in_flight,
    invoices_selected,
    overdue_invoice_numbers,
    payment_confirmation,
    payment_of_payer,
)
from checkout.services import CheckoutQuote, CheckoutRefused, checkout_quote, checkout_submit
from invoices.models import Invoice
from payments.ledger import PaymentError
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.pay_forms import DebitMandateForm
from payments.policy import OFFLINE_METHODS, ONLINE_METHODS
from payments.providers.base import GatewayError
from payments.providers.messages import provider_message_display
from payments.selectors import disputed_invoices_with_balance, remittance_advices_announced
from payments.services import online_charge as charge
from payments.services.abandoned import payment_attempt_cancel
from payments.services.online import DEBIT_METHODS

GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached. Nothing was charged; please try again in a moment."
)
CANCEL_GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached, so the attempt is not cancelled yet and still holds its "
    "amount. Nothing more was charged; please try again in a moment."
)


def _payer_account(request: HttpRequest) -> CustomerAccount | None:
    account: CustomerAccount | None = getattr(request, "account", None)
    if account is None:
        return None
    if not request.user.has_perm("accounts.pay", account):
        raise PermissionDenied
    return account


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _account(request: HttpRequest) -> CustomerAccount:
    return cast(CustomerAccount, getattr(request, "account", None))


def _payment(request: HttpRequest, reference: str) -> Payment:
    return payment_of_payer(user=_user(request), account=_account(request), reference=reference)


def _pay_url(numbers: Sequence[str]) -> str:
    return reverse("payments:pay") + "?" + urlencode([("invoice", n) for n in numbers])


def _retry_url(payment: Payment) -> str:
    return _pay_url([entry["number"] for entry in payment.intended_allocations])


def _selection(request: HttpRequest, account: CustomerAccount) -> tuple[list[str], list[Invoice]]:
    data = request.POST if request.method == "POST" else request.GET
    numbers = [n for n in data.getlist("invoice") if n]
    if not numbers and data.get("overdue"):
        numbers = overdue_invoice_numbers(
            user=_user(request), account=account, currency=data.get("currency", "")
        )
    return numbers, invoices_selected(user=_user(request), account=account, numbers=numbers)


def _page(
    request: HttpRequest, numbers: list[str], quote: CheckoutQuote, form: PayForm | None
) -> HttpResponse:
    context: dict[str, Any] = {
        "invoices": quote.invoices,
        "numbers": numbers,
        "rows": quote.rows,
        # Notices (payments/_announced_transfer_notice.html, _disputed_notice.html): a transfer already
        # announced for these invoices, and disputed invoices that are not offered.
        "announced_transfers": remittance_advices_announced(invoices=quote.invoices),
        "disputed_invoices": disputed_invoices_with_balance(invoices=quote.invoices),
        # Payments in flight holding the selection, each with a cancel button when the payer may end it.
        "attempts": attempts_in_flight(
            user=_user(request), account=_account(request), invoices=quote.invoices, held=quote.held
        ),
        "next_url": _pay_url(numbers),
    }
    if quote.blocked or form is None:
        return render(request, "checkout/pay.html", {**context, "blocked": quote.blocked})
    if not quote.rewards_offered and "rewards_code" in form.fields:
        del form.fields["rewards_code"]
    assert quote.options is not None  # noqa: S101 — set whenever the selection is not blocked
    form.offer_methods(quote.options.methods)
    if quote.amount_error and not form.errors.get("amount"):
        form.add_error("amount", quote.amount_error)
    context.update(
        form=form,
        plan=quote.plan,
        options=quote.options,
        offline_methods=OFFLINE_METHODS,
        rewards=quote.rewards_offered,
    )
    return render(request, "checkout/pay.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def pay(request: HttpRequest) -> HttpResponse:
    """Pay one invoice or several of one currency: ?invoice=<number> (repeatable) or ?overdue=1."""
    account = _payer_account(request)
    if account is None:
        return render(request, "portal/no_access.html")
    numbers, invoices = _selection(request, account)
    # Any online method and a rewards code validate here; the services apply the policy and the rules.
    form = PayForm(request.POST or None, methods=list(ONLINE_METHODS), rewards=True)
    amount = form.cleaned_data.get("amount") if form.is_bound and form.is_valid() else None
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        try:
            result = checkout_submit(
                user=_user(request),
                account=account,
                invoices=invoices,
                amount=amount,
                method=form.cleaned_data["method"],
                rewards_code=form.cleaned_data.get("rewards_code", ""),
                token=form.cleaned_data["token"],
                request=request,
            )
        except CheckoutRefused as error:
            form.add_error(error.field, str(error))
        except PaymentError as error:
            form.add_error(None, str(error))
        else:
            if result.payment is None:
                messages.success(request, _("Support Rewards paid the whole amount."))
                return redirect("payments:confirmation", result.next_payment.reference)
            return _continue(request, result.payment)
    quote = checkout_quote(account=account, invoices=invoices, amount=amount)
    if not form.is_bound:
        form = PayForm(
            methods=list(ONLINE_METHODS),
            rewards=True,
            initial={"amount": quote.plan.total_available if quote.plan else None},
        )
    return _page(request, numbers, quote, form)


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
    context = _stripe_context(
        payment,
        action_secret=outcome.client_secret,
        error=provider_message_display(outcome.error or ""),
        **extra,
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def pay_card(request: HttpRequest, reference: str) -> HttpResponse:
    """Card details go from Stripe.js to Stripe (SetupIntent); the server then charges the payment method."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    if payment.method != PaymentMethod.CARD:
        raise Http404
    template = "checkout/pay_card.html"
    try:
        if request.method == "POST":
            outcome = charge.payment_stripe_charge(
                payment=payment,
                setup_intent_id=request.POST.get("setup_intent", ""),
                actor=_user(request),
                request=request,
            )
            return _after_charge(request, outcome, template)
        if payment.status != PaymentStatus.PENDING:
            return _after_charge(
                request, charge.ChargeOutcome(payment, error=payment.failure_message), template
            )
        if payment.provider_reference:  # charged already, waiting for 3-D Secure: read where it stands
            outcome = charge.payment_stripe_refresh(payment=payment, actor=_user(request))
            return _after_charge(request, outcome, template)
        secret = charge.payment_setup_start(payment=payment)
    except GatewayError:
        return render(request, template, _stripe_context(payment, error=str(GATEWAY_DOWN)))
    return render(request, template, _stripe_context(payment, setup_secret=secret))


@require_POST
@login_required
def pay_card_complete(request: HttpRequest, reference: str) -> HttpResponse:
    """After 3-D Secure in the browser: read the PaymentIntent's outcome."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    try:
        outcome = charge.payment_stripe_refresh(payment=payment, actor=_user(request), request=request)
    except GatewayError:
        return render(request, "checkout/pay_card.html", _stripe_context(payment, error=str(GATEWAY_DOWN)))
    if outcome.payment.status == PaymentStatus.PENDING:
        outcome = charge.ChargeOutcome(
            outcome.payment,
            client_secret=outcome.client_secret,
            error=_("Your bank has not confirmed the payment yet. Nothing was charged."),
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


@require_POST
@login_required
def pay_attempt_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """The payer closed 3-D Secure or PayPal and wants to pay again: end that attempt at its provider."""
    if _payer_account(request) is None:
        return render(request, "portal/no_access.html")
    payment = _payment(request, reference)
    try:
        ended = payment_attempt_cancel(payment=payment, actor=_user(request), request=request)
    except GatewayError:
        messages.error(request, str(CANCEL_GATEWAY_DOWN))
    except PaymentError as error:
        messages.error(request, str(error))
    else:
        level, text = _cancel_outcome(ended)
        messages.add_message(request, level, text)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = _retry_url(payment)
    return redirect(next_url)


def _cancel_outcome(payment: Payment) -> tuple[int, str]:
    reference = {"reference": payment.reference}
    if payment.status == PaymentStatus.FAILED:
        return messages.SUCCESS, _(
            "You cancelled the attempt %(reference)s: nothing was charged for it. You can pay again."
        ) % reference
    if payment.status == PaymentStatus.SUCCEEDED:
        return messages.INFO, _(
            "The payment %(reference)s was already completed: it is applied to its invoices and nothing "
            "more is charged."
        ) % reference
    if payment.status == PaymentStatus.PROCESSING:
        return messages.INFO, _(
            "The payment %(reference)s was already accepted and is on its way: nothing more is charged."
        ) % reference
    return messages.WARNING, _(
        "The attempt %(reference)s could not be cancelled yet and still holds its amount. Nothing more "
        "was charged; please try again in a moment."
    ) % reference


@account_required
def confirmation(request: HttpRequest, reference: str) -> HttpResponse:
    """What was paid, on which invoices, and the reference to quote."""
    account = _account(request)
    shown = payment_confirmation(user=_user(request), account=account, reference=reference)
    context = {
        "payment": shown.payment,
        "allocations": shown.allocations,
        "intended": shown.intended,
        "may_autopay": request.user.has_perm("payments.manage_autopay", account),
    }
    return render(request, "checkout/confirmation.html", context)
