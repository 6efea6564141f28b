from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]


def account_required(view: View) -> View:
    """Signed in and working on a customer account; someone with no account yet sees how to get access."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "account", None) is None:
            return render(request, "portal/no_access.html")
        return view(request, *args, **kwargs)

    return wrapper
