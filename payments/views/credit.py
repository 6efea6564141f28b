"""Account credit left by a payment that arrived for invoices already settled: refunded in one click."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.money import format_money
from payments.ledger import PaymentError
from payments.selectors import payment_by_id_for_user
from payments.services.credit import late_payment_refund_request


@require_POST
@login_required
def late_payment_refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The payer who paid (or the billing contact) asks for the money back to where it came from."""
    account = getattr(request, "account", None)
    if account is None:
        raise Http404
    payment = payment_by_id_for_user(user=request.user, account=account, payment_id=payment_id)  # type: ignore[arg-type]
    if not request.user.has_perm("accounts.pay", account):
        raise PermissionDenied
    try:
        refund = late_payment_refund_request(
            account=account,
            payment=payment,
            actor=request.user,  # type: ignore[arg-type]  # signed in: login_required
            request=request,
        )
    except PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your refund of %(amount)s is requested: it goes back to where the payment came from.")
            % {"amount": format_money(refund.amount, refund.currency)},
        )
    return redirect("payments:index")
