from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.decorators import account_required
from invoices.selectors import invoice_balances_for_account, orders_for_user


@account_required
def dashboard(request):
    account = request.account
    balances = invoice_balances_for_account(account=account)
    return render(request, "portal/dashboard.html", {"account": account, "balances": balances})


@login_required
def help_page(request):
    return render(request, "portal/help.html", {"support_email": settings.BILLING_SUPPORT_EMAIL})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@account_required
def orders(request):
    """Orders of the current account, as they appear on its invoice lines (an order can span several invoices)."""
    order_rows = orders_for_user(user=request.user, account=request.account)
    return render(request, "portal/orders.html", {"orders": order_rows})
