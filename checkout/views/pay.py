"""The pay pages: choose amount and method, pay by card, direct debit or PayPal, see the confirmation.

Views parse the request, call one service or selector, and render: the plan, the policy, rewards and
every decision live in checkout.services (and the payments services it calls).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from checkout.forms import PayForm
from checkout.selectors import (
    attempts_in_flight,
    payment_confirmation,
)
from checkout.services import CheckoutQuote, CheckoutRefused, checkout_quote, checkout_submit
from checkout.views.common import (
    CANCEL_GATEWAY_DOWN,
    _account,
    _pay_url,
    _payer_account,
    _payment,
    _retry_url,
    _selection,
    _user,
)
from checkout.views.providers import _continue
from payments.ledger import PaymentError
from payments.models import Payment, PaymentStatus
from payments.policy import OFFLINE_METHODS, ONLINE_METHODS
from payments.providers.base import GatewayError
from payments.selectors import disputed_invoices_with_balance, remittance_advices_announced
from payments.services.abandoned import payment_attempt_cancel


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
