from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import account_required
from invoices.selectors import invoice_balances_for_account


@account_required
def dashboard(request):
    account = request.account
    balances = invoice_balances_for_account(account=account)
    return render(request, "portal/dashboard.html", {"account": account, "balances": balances})


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
