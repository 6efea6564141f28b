"""What a refused user reads: their role on the current account, what it allows, and whom to ask.

Used by the 403/404/500 pages (portal.errors) and by views that refuse with a reason of their own.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_abilities, role_of
from accounts.selectors import billing_contacts_of


def role_context(request) -> dict:
    """The current account, the user's role on it, what that role allows, and its billing contacts."""
    user = getattr(request, "user", None)
    account = getattr(request, "account", None)
    role = role_of(user, account) if account is not None else None
    return {
        "error_account": account,
        "error_role": Role(role).label if role else None,
        "error_abilities": role_abilities(role) if role else "",
        "error_billing_contacts": billing_contacts_of(account=account) if account is not None else [],
    }


def refusal(request, *, what: str = "") -> HttpResponse:
    """A 403 page: `what` says what was refused (optional), then what the role allows and whom to ask."""
    return render(request, "errors/403.html", {"what": what, **role_context(request)}, status=403)
