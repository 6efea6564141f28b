"""What the pay flow's views share: who is paying for which account, and the selection in the URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from accounts.models import CustomerAccount, User
from checkout.selectors import (
    invoices_selected,
    overdue_invoice_numbers,
    payment_of_payer,
)
from invoices.models import Invoice
from payments.models import Payment

GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached. Nothing was charged; please try again in a moment."
)
CANCEL_GATEWAY_DOWN = gettext_lazy(
    "The payment service could not be reached, so the attempt is not cancelled yet and still holds its "
    "amount. Nothing more was charged; please try again in a moment."
)


def _payer_account(request: HttpRequest) -> CustomerAccount | None:
    account: CustomerAccount | None = getattr(request, "account", None)
    if account is None:
        return None
    if not request.user.has_perm("accounts.pay", account):
        raise PermissionDenied
    return account


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _account(request: HttpRequest) -> CustomerAccount:
    return cast(CustomerAccount, getattr(request, "account", None))


def _payment(request: HttpRequest, reference: str) -> Payment:
    return payment_of_payer(user=_user(request), account=_account(request), reference=reference)


def _pay_url(numbers: Sequence[str]) -> str:
    return reverse("payments:pay") + "?" + urlencode([("invoice", n) for n in numbers])


def _retry_url(payment: Payment) -> str:
    return _pay_url([entry["number"] for entry in payment.intended_allocations])


def _selection(request: HttpRequest, account: CustomerAccount) -> tuple[list[str], list[Invoice]]:
    data = request.POST if request.method == "POST" else request.GET
    numbers = [n for n in data.getlist("invoice") if n]
    if not numbers and data.get("overdue"):
        numbers = overdue_invoice_numbers(
            user=_user(request), account=account, currency=data.get("currency", "")
        )
    return numbers, invoices_selected(user=_user(request), account=account, numbers=numbers)
