"""Pages: Orders (paginated), an order (provisioning, invoices issued and to come, its document), a
subscription (terms, plan table and timeline, upcoming invoices, usage against commitment)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import account_required
from orders.documents import order_document_name, order_document_pdf
from orders.selectors import (
    order_for_user,
    order_invoices,
    order_provisioning,
    order_upcoming_invoices,
    orders_for_user,
    orders_page_rows,
    subscription_for_user,
    subscriptions_for_user,
)
from orders.subscription_page import subscription_page

PAGE_SIZE = 25


class OrderPaginator(Paginator):
    """Pages by a deferred join: the page's ids from the (account, -order_date, -id) index, then the page's
    25 orders with their product counts. Same queries whatever the page number; a page nearer the end is
    read from the end (the last of 800 pages skips no row, not 19 975)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.values_list("pk", flat=True)
        if bottom > self.count - top:
            page_ids = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            page_ids = list(ids[bottom:top])
        return self._get_page(orders_page_rows(ids=page_ids), number, self)


@account_required
@require_GET
def index(request):
    orders = orders_for_user(user=request.user, account=request.account)
    page = OrderPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    subscriptions = list(subscriptions_for_user(user=request.user, account=request.account)[:50])
    return render(
        request,
        "orders/index.html",
        {"page": page, "orders": page.object_list, "subscriptions": subscriptions},
    )


@account_required
@require_GET
def detail(request, number: str):
    order = order_for_user(user=request.user, account=request.account, number=number)
    context = {
        "order": order,
        "provisioning": order_provisioning(order=order),
        "invoices": order_invoices(order=order),
        "upcoming": order_upcoming_invoices(order=order),
        "may_download": request.user.has_perm("accounts.download_documents", request.account),
    }
    return render(request, "orders/detail.html", context)


@account_required
@require_GET
def document(request, number: str):
    """The order document as a PDF (WeasyPrint), in the reader's language."""
    order = order_for_user(user=request.user, account=request.account, number=number)
    if not request.user.has_perm("accounts.download_documents", request.account):
        raise PermissionDenied
    response = HttpResponse(order_document_pdf(order=order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order_document_name(order=order)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@account_required
@require_GET
def subscription(request, number: str):
    subscription = subscription_for_user(user=request.user, account=request.account, number=number)
    return render(request, "orders/subscription.html", subscription_page(subscription=subscription))
