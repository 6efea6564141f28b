from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from invoices.selectors import invoices_for_user


@login_required
def index(request):
    if request.account is None:
        return render(request, "portal/no_access.html")
    invoices = invoices_for_user(user=request.user, account=request.account).with_status()[:50]
    return render(request, "invoices/index.html", {"invoices": invoices})
