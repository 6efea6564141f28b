"""Automatic payment settings: save a card or a SEPA mandate (Stripe SetupIntent) and switch it on or off."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import account_required
from payments.ledger import PaymentError
from payments.models import PaymentMethod
from payments.pay_forms import DebitMandateForm
from payments.providers.base import GatewayError
from payments.selectors import autopay_of
from payments.services import autopay as service


@require_http_methods(["GET", "POST"])
@account_required
def autopay(request):
    account = request.account
    if not request.user.has_perm("payments.manage_autopay", account):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "switch":
                service.autopay_switch(
                    account=account,
                    user=request.user,
                    enabled=request.POST.get("enabled") == "1",
                    request=request,
                )
                messages.success(request, _("Automatic payment settings saved."))
            else:
                service.autopay_method_save(
                    account=account,
                    user=request.user,
                    method=request.POST.get("method", ""),
                    setup_intent_id=request.POST.get("setup_intent", ""),
                    request=request,
                )
                messages.success(request, _("Payment method saved. Automatic payment is on."))
        except (PaymentError, GatewayError) as error:
            messages.error(request, str(error))
        return redirect("payments:autopay")
    methods = service.autopay_methods(account=account)
    secrets = {}
    unreachable = ""
    try:
        secrets = {method: service.autopay_setup_start(account=account, method=method) for method in methods}
    except GatewayError:
        unreachable = _("The payment service could not be reached. Please try again in a moment.")
    return render(
        request,
        "payments/pay_autopay.html",
        {
            "autopay": autopay_of(account=account),
            "card_secret": secrets.get(PaymentMethod.CARD, ""),
            "sepa_secret": secrets.get(PaymentMethod.SEPA_DEBIT, ""),
            "mandate_form": DebitMandateForm(
                initial={"email": request.user.email, "account_holder": account.legal_name}
            ),
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
            "error": unreachable,
        },
    )
