"""An order's provisioning status and what will be invoiced next (orders.selectors), or, for an order known
only from invoice lines, what was invoiced for it."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from orders.selectors import order_for_user, order_invoices, order_provisioning, order_upcoming_invoices
from orders.selectors import orders_for_user as booked_orders_for_user
from support.assistant.answers import Answer, Asker, Link, day, money
from support.assistant.lookup import invoiced_orders, key_expression, order_key
from support.assistant.text import Reading, number_key


def _orders_link() -> Link:
    return Link(_("Orders"), reverse("orders"))


def _booked_order(asker: Asker, key: str):
    match = (
        booked_orders_for_user(user=asker.user, account=asker.account)
        .annotate(number_key=key_expression("number"))
        .filter(number_key=key)
        .values_list("number", flat=True)
        .first()
    )
    if match is None:
        return None
    try:
        return order_for_user(user=asker.user, account=asker.account, number=match)
    except Http404:
        return None


def order_status(asker: Asker, reading: Reading) -> Answer:
    key = order_key(reading)
    if not key and reading.bare_numbers:
        key = number_key(f"ORD{reading.bare_numbers[0]}")
    if not key:
        numbers = list(
            booked_orders_for_user(user=asker.user, account=asker.account).values_list("number", flat=True)[
                :5
            ]
        )
        numbers += [row["order_number"] for row in invoiced_orders(asker)[:5]]
        numbers = list(dict.fromkeys(numbers))[:5]
        return Answer(
            intent="order_status",
            text=_(
                "Which order do you mean? Give its number (it is printed on each invoice line), such as: %(numbers)s."
            )
            % {"numbers": ", ".join(numbers) or "ORD-…"},
            links=[_orders_link()],
            article_slug="provisioning-and-invoices",
        )
    order = _booked_order(asker, key)
    if order is not None:
        return _booked_answer(asker, order)
    rows = [row for row in invoiced_orders(asker) if number_key(row["order_number"]) == key]
    if not rows:
        typed = reading.order_numbers[0].upper() if reading.order_numbers else reading.bare_numbers[0]
        return Answer(
            intent="order_status",
            text=_(
                "%(account)s has no order %(number)s that I can find. The order number is printed on each invoice line."
            )
            % {"number": typed, "account": asker.account.legal_name},
            links=[_orders_link()],
            figures={"unknown": typed},
        )
    row = rows[0]
    return Answer(
        intent="order_status",
        text=_("Order %(number)s has been invoiced for %(amount)s before tax, on %(invoices)s.")
        % {
            "number": row["order_number"],
            "amount": money(row["invoiced"], row["invoice__currency"]),
            "invoices": ", ".join(row["invoice_numbers"]),
        },
        items=list(row["products"]),
        links=[_orders_link()],
        figures={"invoiced": row["invoiced"], "invoices": list(row["invoice_numbers"])},
        article_slug="provisioning-and-invoices",
    )


def _booked_answer(asker: Asker, order) -> Answer:
    provisioning = order_provisioning(order=order)
    values = {
        "number": order.number,
        "status": provisioning.label.lower(),
        "done": provisioning.provisioned,
        "total": provisioning.total,
    }
    items = [
        _("%(product)s: provisioned on %(date)s")
        % {"product": line.product, "date": day(line.provisioned_on)}
        if line.provisioned_on
        else _("%(product)s: not provisioned yet") % {"product": line.product}
        for line in provisioning.lines
    ]
    invoices = order_invoices(order=order)
    if invoices:
        items.append(
            _("Invoiced on: %(numbers)s") % {"numbers": ", ".join(invoice.number for invoice in invoices)}
        )
    upcoming = order_upcoming_invoices(order=order)
    figures = {
        "status": order.status,
        "provisioned": provisioning.provisioned,
        "products": provisioning.total,
    }
    if upcoming:
        following = upcoming[0]
        values.update(date=day(following.due_on), amount=money(following.amount, following.currency))
        next_sentence = _("Next to be invoiced: %(amount)s on %(date)s.") % values
        figures.update(next_invoice_on=following.due_on, next_invoice_amount=following.amount)
    else:
        next_sentence = _("Nothing more is planned to be invoiced for it.")
    return Answer(
        intent="order_status",
        text=_("Order %(number)s is %(status)s: %(done)s of %(total)s products provisioned.") % values
        + " "
        + next_sentence,
        items=items,
        links=[
            Link(
                _("Open order %(number)s") % {"number": order.number},
                reverse("orders:detail", args=[order.number]),
            ),
            Link(
                _("Subscription %(number)s and its billing plan") % {"number": order.subscription.number},
                reverse("orders:subscription", args=[order.subscription.number]),
            ),
        ],
        figures=figures,
        article_slug="provisioning-and-invoices",
    )
