"""The order document as a PDF (WeasyPrint, like invoices/pdf.py): the order, its products, its
subscription's terms and the billing plan of its products, in the reader's language."""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string

from invoices.pdf import html_to_pdf
from orders.models import Frequency, Order, Timing
from orders.selectors import order_provisioning, subscription_plan


def order_document_name(*, order: Order) -> str:
    return "order-" + re.sub(r"[^A-Za-z0-9._-]", "_", order.number) + ".pdf"


def order_document_html(*, order: Order) -> str:
    subscription = order.subscription
    plan = [line for line in subscription_plan(subscription=subscription) if line.order_key == order.number]
    return render_to_string(
        "orders/pdf/order.html",
        {
            "order": order,
            "account": order.account,
            "subscription": subscription,
            "frequency": Frequency(subscription.billing_frequency).label,
            "timing": Timing(subscription.billing_timing).label,
            "provisioning": order_provisioning(order=order),
            "plan": plan,
            "support_email": settings.BILLING_SUPPORT_EMAIL,
        },
    )


def order_document_pdf(*, order: Order) -> bytes:
    """Rendered on request (an order document is small and rarely downloaded: no cache)."""
    return html_to_pdf(order_document_html(order=order))
