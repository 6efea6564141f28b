from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import account_required
from core.business_days import transfer_business_days
from invoices.selectors import invoice_balances_for_account
from payments.policy import card_thresholds
from rewards.eligibility import RATE_STANDARD, RATE_WITH_ULA, VALIDITY_MONTHS


@account_required
def dashboard(request):
    account = request.account
    balances = invoice_balances_for_account(account=account)
    return render(request, "portal/dashboard.html", {"account": account, "balances": balances})


def _percent(rate) -> str:
    return f"{(rate * 100).normalize():f}"


@login_required
def help_page(request):
    """The rules in plain words, their numbers from the configuration (card limits of the account's currency,
    else USD; transfer business days; rewards rates and validity)."""
    account = getattr(request, "account", None)
    card = (card_thresholds(currency=account.currency) if account else None) or card_thresholds(
        currency="USD"
    )
    arrival_days, closing_days = transfer_business_days()
    context = {
        "support_email": settings.BILLING_SUPPORT_EMAIL,
        "card": card,
        "transfer_arrival_days": arrival_days,
        "invoice_closing_days": closing_days,
        "rewards_rate": _percent(RATE_STANDARD),
        "rewards_rate_ula": _percent(RATE_WITH_ULA),
        "rewards_validity_months": VALIDITY_MONTHS,
    }
    return render(request, "portal/help.html", context)


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
