from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.middleware import SESSION_KEY
from accounts.selectors import account_for_user


@login_required
@require_POST
def account_switch(request):
    """Make another of the user's accounts the current one (404 for an account they don't belong to)."""
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    account = account_for_user(user=request.user, account_id=account_id)
    request.session[SESSION_KEY] = account.pk
    messages.success(request, _("You are now working on %(account)s.") % {"account": account.legal_name})
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "dashboard"
    return redirect(next_url)


@login_required
def team(request):
    from django.shortcuts import render

    if request.account is None:
        return render(request, "portal/no_access.html")
    members = request.account.memberships.select_related("user").order_by("user__email")
    return render(request, "accounts/team.html", {"members": members})
