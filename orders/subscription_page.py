"""What the Subscription page shows: terms, the plan as a table and a timeline, upcoming invoices, usage.

The timeline is an inline SVG drawn from numbers computed here (no script, no CDN, nothing inline-styled:
the Content-Security-Policy allows only our stylesheet)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from orders.billing import PlanLine, Rule
from orders.explanations import RULE_LABELS, plan_line_explanation
from orders.models import Frequency, OrderLine, PlanLineInvoice, Subscription, Timing, UsageRecord
from orders.selectors import (
    invoiced_keys,
    plan_for,
    subscription_terms,
    subscription_usage_by_month,
    upcoming_from,
)

CHART_WIDTH = 800
LABEL_WIDTH = 170
ROW_HEIGHT = 30
BAR_HEIGHT = 18
AXIS_HEIGHT = 26


@dataclass(frozen=True)
class PlanRow:
    line: PlanLine
    rule_label: str
    invoiced: PlanLineInvoice | None
    why: object  # invoices.line_explanations.LineExplanation


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str


def _x(day: datetime.date, start: datetime.date, days: int) -> int:
    offset = min(max((day - start).days, 0), days)
    return LABEL_WIDTH + round((CHART_WIDTH - LABEL_WIDTH - 10) * offset / days)


def timeline(
    subscription: Subscription, plan: list[PlanLine], invoiced: set[str], today: datetime.date
) -> dict:
    """Rows of bars: one row per product (and one for usage), one bar per plan line, over the term."""
    terms = subscription_terms(subscription)
    start, end_exclusive = terms.start, terms.end_exclusive
    last_day = max([end_exclusive] + [line.period_end + datetime.timedelta(days=1) for line in plan])
    days = max((last_day - start).days, 1)
    rows: dict[str, int] = {}
    labels: list[Label] = []
    bars: list[Bar] = []
    for line in plan:
        row_key = (
            "usage" if line.rule in (Rule.OVERAGE, Rule.USAGE_AFTER_TERM, Rule.BURSTING) else line.product_key
        )
        if row_key not in rows:
            rows[row_key] = len(rows)
            name = line.product if row_key != "usage" else str(_("Usage"))
            labels.append(Label(x=4, y=AXIS_HEIGHT + rows[row_key] * ROW_HEIGHT + 19, text=name[:26]))
        left = _x(line.period_start, start, days)
        right = _x(line.period_end + datetime.timedelta(days=1), start, days)
        state = "invoiced" if line.key in invoiced else "upcoming"
        bars.append(
            Bar(
                x=left,
                y=AXIS_HEIGHT + rows[row_key] * ROW_HEIGHT + 6,
                width=max(right - left - 1, 2),
                height=BAR_HEIGHT,
                css=f"timeline__bar timeline__bar--{state} timeline__bar--{line.rule.value}",
                title=f"{line.product} {line.period_start.isoformat()} – {line.period_end.isoformat()}: {line.amount}",
            )
        )
    ticks = []
    for index in range(terms.period_count + 1):
        day = terms.period_bounds(index)[0] if index < terms.period_count else end_exclusive
        ticks.append(Label(x=_x(day, start, days), y=16, text=day.isoformat()))
    height = AXIS_HEIGHT + max(len(rows), 1) * ROW_HEIGHT + 6
    today_x = _x(today, start, days) if start <= today <= last_day else None
    return {
        "width": CHART_WIDTH,
        "height": height,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "today_x": today_x,
        "label_width": LABEL_WIDTH,
    }


def subscription_page(*, subscription: Subscription, today: datetime.date | None = None) -> dict:
    """The Subscription page's context: 4 queries (products, usage, invoiced lines, the account's orders)."""
    today = today or timezone.localdate()
    lines = list(OrderLine.objects.filter(order__subscription=subscription).select_related("order"))
    usage = list(UsageRecord.objects.filter(subscription=subscription))
    plan = plan_for(subscription, lines, usage)
    invoiced = invoiced_keys(subscription=subscription)
    rows = [
        PlanRow(
            line=line,
            rule_label=str(RULE_LABELS[line.rule]),
            invoiced=invoiced.get(line.key),
            why=plan_line_explanation(line, subscription=subscription),
        )
        for line in plan
    ]
    orders = sorted({line.order for line in lines}, key=lambda order: (order.order_date, order.number))
    return {
        "subscription": subscription,
        "frequency": Frequency(subscription.billing_frequency).label,
        "timing": Timing(subscription.billing_timing).label,
        "orders": orders,
        "products": lines,
        "waiting": [line for line in lines if line.provisioned_on is None],
        "contract_value": sum((line.amount for line in lines), Decimal("0")),
        "plan_rows": rows,
        "planned_total": sum((line.amount for line in plan), Decimal("0")),
        "upcoming": upcoming_from(plan, invoiced),
        "usage_months": subscription_usage_by_month(subscription=subscription, plan=plan),
        "chart": timeline(subscription, plan, set(invoiced), today),
        "today": today,
    }
