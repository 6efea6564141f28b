"""Import subscriptions, orders and usage (JSON or CSV, format in orders/IMPORT_FORMAT.md).

The same rules as the invoice import: the whole file is validated first and every problem is reported with
its row (or subscription / order / line / usage number) and field; only a file without problems is written,
in one transaction. Idempotent by number (subscription, order) and by (subscription, month, product, kind)
for usage: the same content again is skipped, different content under a known key is an error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import CustomerAccount
from invoices.import_files import NUMBER_PATTERN, ImportFailed
from invoices.importing import QUANTITY_COLUMN, UNIT_PRICE_COLUMN, _Checker, _currency
from orders.billing.usage import UsageKind
from orders.import_files import Parsed, orders_file_read
from orders.models import (
    Frequency,
    Order,
    OrderKind,
    OrderLine,
    ProductCategory,
    Subscription,
    Timing,
    UsageRecord,
)
from orders.services import order_status_refresh

MAX_TERM_MONTHS = 600


@dataclass
class OrdersImportResult:
    created: list[str] = field(
        default_factory=list
    )  # "subscription SUB-1", "order ORD-1", "usage SUB-1 2027-03 X"
    skipped: list[str] = field(default_factory=list)


def _number(check: _Checker, row: str, values: dict, name: str = "number") -> str:
    number = check.text(row, values, name, required=True, max_length=40)
    if number and not NUMBER_PATTERN.match(number):
        check.add(row, name, "letters, digits, dot, dash and underscore only")
    return number


def _whole(check: _Checker, row: str, values: dict, name: str, *, low: int, high: int) -> int | None:
    value = values.get(name, "")
    if not value.isdigit() or not low <= int(value) <= high:
        check.add(row, name, f"'{value}' is not a whole number from {low} to {high}" if value else "required")
        return None
    return int(value)


def _subscriptions(items: list[Parsed], check: _Checker) -> dict[str, Subscription]:
    accounts = {
        a.customer_number: a
        for a in CustomerAccount.objects.filter(
            customer_number__in={i.values["customer_number"] for i in items}
        )
    }
    built: dict[str, Subscription] = {}
    for item in items:
        row, values = item.row, item.values
        number = _number(check, row, values)
        if number in built:
            check.add(row, "number", "appears twice in the file")
        account = accounts.get(values["customer_number"])
        if account is None:
            check.add(row, "customer_number", f"no customer account '{values['customer_number']}'")
        currency = _currency(row, values, account, check)
        start = check.date(row, values, "start_date", required=True)
        months = _whole(check, row, values, "term_months", low=1, high=MAX_TERM_MONTHS)
        frequency = check.choice(row, values, "billing_frequency", set(Frequency.values), default="")
        timing = check.choice(row, values, "billing_timing", set(Timing.values), default=Timing.ADVANCE)
        if timing == Timing.ARREARS and frequency and frequency != Frequency.MONTHLY:
            check.add(row, "billing_timing", "only monthly billing can be in arrears")
        name = check.text(row, values, "name", max_length=200)
        if account and currency and start and months:
            built[number] = Subscription(
                number=number,
                account=account,
                name=name,
                currency=currency,
                start_date=start,
                term_months=months,
                end_date=start + relativedelta(months=months) - datetime.timedelta(days=1),
                billing_frequency=frequency,
                billing_timing=timing,
            )
    return built


def _line(item: Parsed, position: int, subscription: Subscription | None, order_date, check: _Checker):
    row, values = item.row, item.values
    before = len(check.problems)
    product = check.text(row, values, "product", required=True, max_length=200)
    code = check.text(row, values, "product_code", max_length=40)
    category = check.choice(
        row, values, "category", set(ProductCategory.values), default=ProductCategory.OTHER
    )
    quantity = check.decimal(row, values, "quantity", default=Decimal("1"), column=QUANTITY_COLUMN)
    if quantity is not None and quantity <= 0:
        check.add(row, "quantity", "must be more than 0")
    unit = check.text(row, values, "unit", max_length=40)
    currency = subscription.currency if subscription else None
    amount = check.money(row, values, "amount", currency)
    if amount is None and not values.get("amount"):
        check.add(row, "amount", "required")
    start = check.date(row, values, "service_start")
    provisioned = check.date(row, values, "provisioned_on")
    shared = check.boolean(row, values, "shared_capacity")
    if subscription is not None:
        start = start or subscription.start_date
        if not subscription.start_date <= start <= subscription.end_date:
            check.add(
                row,
                "service_start",
                f"outside the subscription ({subscription.start_date} to {subscription.end_date})",
            )
    if provisioned and order_date and provisioned < order_date:
        check.add(row, "provisioned_on", "before the order date")
    if len(check.problems) > before or subscription is None:
        return None
    assert quantity is not None and amount is not None and start is not None  # else a problem was recorded
    return OrderLine(
        position=position,
        product=product,
        product_code=code,
        category=category,
        quantity=quantity,
        unit=unit,
        amount=amount,
        service_start=start,
        provisioned_on=provisioned,
        shared_capacity=shared,
    )


def _orders(items: list[Parsed], subscriptions: dict[str, Subscription], check: _Checker):
    built: dict[str, tuple[Order, list[OrderLine]]] = {}
    for item in items:
        row, values = item.row, item.values
        number = _number(check, row, values)
        if number in built:
            check.add(row, "number", "appears twice in the file")
        subscription = subscriptions.get(values["subscription_number"])
        if subscription is None:
            check.add(
                row,
                "subscription_number",
                f"no subscription '{values['subscription_number']}' in the file or imported",
            )
        kind = check.choice(row, values, "kind", set(OrderKind.values), default=OrderKind.INITIAL)
        paid_at_once = check.boolean(row, values, "paid_at_once")
        if paid_at_once and kind != OrderKind.ADD_ON:
            check.add(row, "paid_at_once", "only an add-on order can be paid in full at purchase")
        order_date = check.date(row, values, "order_date", required=True)
        email = check.text(row, values, "billing_contact_email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.add(row, "billing_contact_email", f"'{email}' is not an email address")
        po_number = check.text(row, values, "po_number", max_length=60)
        contact_name = check.text(row, values, "billing_contact_name", max_length=200)
        provisioning_on = check.date(row, values, "provisioning_on")
        if not item.lines:
            check.add(row, "lines", "an order needs at least one product")
        lines = [
            _line(line, n, subscription, order_date, check) for n, line in enumerate(item.lines, start=1)
        ]
        if subscription is None or order_date is None or None in lines:
            continue
        order = Order(
            number=number,
            subscription=subscription,
            kind=kind,
            paid_at_once=paid_at_once,
            order_date=order_date,
            po_number=po_number,
            billing_contact_name=contact_name,
            billing_contact_email=email,
            provisioning_on=provisioning_on,
        )
        order.account, order.currency = subscription.account, subscription.currency
        order.total = sum((line.amount for line in lines if line), Decimal("0"))
        built[number] = (order, [line for line in lines if line])
    return built


def _month(check: _Checker, row: str, values: dict) -> datetime.date | None:
    value = values.get("month", "")
    try:
        month = datetime.date.fromisoformat(value if len(value) != 7 else f"{value}-01")
    except ValueError:
        check.add(row, "month", f"'{value}' is not a month (YYYY-MM)" if value else "required")
        return None
    if month.day != 1:
        check.add(row, "month", "give the month (YYYY-MM) or its first day")
        return None
    return month


def _usage(
    items: list[Parsed], subscriptions: dict[str, Subscription], check: _Checker
) -> list[tuple[str, UsageRecord]]:
    built: list[tuple[str, UsageRecord]] = []
    seen: dict[tuple, str] = {}
    for item in items:
        row, values = item.row, item.values
        subscription = subscriptions.get(values["subscription_number"])
        if subscription is None:
            check.add(
                row,
                "subscription_number",
                f"no subscription '{values['subscription_number']}' in the file or imported",
            )
        month = _month(check, row, values)
        product = check.text(row, values, "product", required=True, max_length=200)
        kind = check.choice(row, values, "kind", set(UsageKind), default=UsageKind.CONSUMPTION)
        numbers = {
            name: check.decimal(
                row,
                values,
                name,
                required=name in ("quantity", "unit_price"),
                default=Decimal("0"),
                column=UNIT_PRICE_COLUMN if name == "unit_price" else QUANTITY_COLUMN,
            )
            for name in ("quantity", "unit_price", "subscribed_quantity", "hours")
        }
        committed = check.money(
            row,
            values,
            "committed_amount",
            subscription.currency if subscription else None,
            default=Decimal("0"),
        )
        if kind == UsageKind.BURST and not numbers["subscribed_quantity"]:
            check.add(row, "subscribed_quantity", "bursting needs the subscribed capacity")
        key = (values["subscription_number"], month, product, kind)
        if key in seen:
            check.add(row, "month", f"the same product and month as {seen[key]}")
        seen[key] = row
        if subscription is None or month is None or None in numbers.values() or committed is None:
            continue
        built.append(
            (
                row,
                UsageRecord(
                    subscription=subscription,
                    month=month,
                    product=product,
                    product_code=check.text(row, values, "product_code", max_length=40),
                    kind=kind,
                    committed_amount=committed,
                    **numbers,
                ),
            )
        )
    return built


def _same_subscription(a: Subscription, b: Subscription) -> bool:
    fields = ("account_id", "currency", "start_date", "term_months", "billing_frequency", "billing_timing")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def orders_import(*, path: Path) -> OrdersImportResult:
    """Validate the whole file, then write it in one transaction; raises ImportFailed with every problem."""
    parsed = orders_file_read(path=path)
    check = _Checker()
    new_subscriptions = _subscriptions(parsed.subscriptions, check)
    rows = {item.values["number"]: item.row for item in parsed.subscriptions + parsed.orders}
    existing_subs = {
        s.number: s
        for s in Subscription.objects.filter(
            number__in=set(new_subscriptions)
            | {i.values["subscription_number"] for i in parsed.orders + parsed.usage}
        )
    }
    for number, subscription in new_subscriptions.items():
        if number in existing_subs and not _same_subscription(existing_subs[number], subscription):
            check.add(rows[number], "number", "already imported with different terms")
    known = {**existing_subs, **{n: s for n, s in new_subscriptions.items() if n not in existing_subs}}
    orders = _orders(parsed.orders, known, check)
    existing_orders = {
        o.number: o for o in Order.objects.filter(number__in=list(orders)).select_related("subscription")
    }
    for number, (order, _lines) in orders.items():
        old = existing_orders.get(number)
        if old and (old.subscription.number, old.order_date, old.total) != (
            order.subscription.number,
            order.order_date,
            order.total,
        ):
            check.add(rows[number], "number", "already imported with a different subscription, date or value")
    usage = _usage(parsed.usage, known, check)
    old_usage = _existing_usage([record for _row, record in usage])
    for row, record in usage:
        known_record = old_usage.get(_usage_key(record))
        if known_record is not None and _usage_values(known_record) != _usage_values(record):
            check.add(
                row, "month", "this month's usage of the product was already imported with other figures"
            )
    if check.problems:
        raise ImportFailed(check.problems)
    return _write(new_subscriptions, existing_subs, orders, existing_orders, usage, old_usage)


def _usage_key(record: UsageRecord) -> tuple:
    return (record.subscription.number, record.month, record.product, record.kind)


def _usage_values(record: UsageRecord) -> tuple:
    names = ("quantity", "unit_price", "committed_amount", "subscribed_quantity", "hours", "product_code")
    return tuple(getattr(record, name) for name in names)


def _existing_usage(records: list[UsageRecord]) -> dict[tuple, UsageRecord]:
    saved = [record.subscription.pk for record in records if record.subscription.pk]
    found = UsageRecord.objects.filter(subscription_id__in=saved).select_related("subscription")
    return {_usage_key(record): record for record in found}


@transaction.atomic
def _write(new_subscriptions, existing_subs, orders, existing_orders, usage, old_usage) -> OrdersImportResult:
    result = OrdersImportResult()
    for number, subscription in new_subscriptions.items():
        if number in existing_subs:
            result.skipped.append(f"subscription {number}")
        else:
            subscription.save()
            result.created.append(f"subscription {number}")
    for number, (order, lines) in orders.items():
        if number in existing_orders:
            result.skipped.append(f"order {number}")
            continue
        order.save()
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        order_status_refresh(
            order=order,
            today=max([line.provisioned_on for line in lines if line.provisioned_on] or [order.order_date]),
        )
        result.created.append(f"order {number}")
    for _row, record in usage:
        label = f"usage {record.subscription.number} {record.month:%Y-%m} {record.product} {record.kind}"
        if _usage_key(record) in old_usage:
            result.skipped.append(label)
        else:
            record.save()
            result.created.append(label)
    return result
