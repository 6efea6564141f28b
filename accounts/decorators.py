from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def account_required(view):
    """Signed in and working on a customer account; someone with no account yet sees how to get access."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.account is None:
            return render(request, "portal/no_access.html")
        return view(request, *args, **kwargs)

    return wrapper
