""" "Why this amount?": a plan line's rule and arithmetic in the reader's language, with their own numbers.

A plan line's figures are kept as JSON (`plan_line_figures`) when it is invoiced, so the panel on an old
invoice keeps showing the numbers that made it. `explanation_from_figures` turns them into sentences.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money, quantize
from invoices.line_explanations import LineExplanation
from invoices.models import InvoiceLine
from orders.billing import PlanLine, Rule
from orders.billing.calendar import fraction_text

RULE_LABELS = {
    Rule.FULL_PERIOD: gettext_lazy("Full billing period"),
    Rule.NON_STANDARD_TERM: gettext_lazy("Non-standard term"),
    Rule.PRORATED_CO_TERM: gettext_lazy("Prorated to the co-term end"),
    Rule.SHARED_CAPACITY: gettext_lazy("Shared capacity, not prorated"),
    Rule.ADD_ON_REMAINDER: gettext_lazy("Add-on: rest of the current billing period"),
    Rule.ADD_ON_PAID_AT_ONCE: gettext_lazy("Add-on paid in full at purchase"),
    Rule.OVERAGE: gettext_lazy("Usage above the commitment (overage)"),
    Rule.USAGE_AFTER_TERM: gettext_lazy("Usage after the end of the term"),
    Rule.BURSTING: gettext_lazy("Bursting above the subscribed capacity"),
}


def plan_line_figures(line: PlanLine, *, subscription) -> dict[str, str]:
    """What the panel needs, as JSON-safe strings."""
    return {
        "rule": line.rule.value,
        "currency": line.currency,
        "product": line.product,
        "amount": str(line.amount),
        "contract_value": str(line.contract_value),
        "months": str(line.months),
        "ordered_months": str(line.ordered_months),
        "billed_before": str(line.billed_before),
        "last": "1" if line.absorbs_rounding else "",
        "period_start": line.period_start.isoformat(),
        "period_end": line.period_end.isoformat(),
        "co_term_end": subscription.end_date.isoformat(),
        "subscription": subscription.number,
        **line.details,
    }


def _date(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")


def _month(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "YEAR_MONTH_FORMAT")


def _product_steps(rule: Rule, f: dict[str, str], money) -> list[str]:
    numbers = {
        "value": money(f["contract_value"]),
        "months": fraction_text(Fraction(f["months"])),
        "ordered": fraction_text(Fraction(f["ordered_months"])),
        "amount": money(f["amount"]),
        "start": _date(f["period_start"]),
        "end": _date(f["period_end"]),
        "co_term_end": _date(f["co_term_end"]),
    }
    arithmetic = _("%(value)s × %(months)s ÷ %(ordered)s months = %(amount)s.") % numbers
    steps = {
        Rule.FULL_PERIOD: _(
            "The product is worth %(value)s for %(ordered)s months; this invoice covers the billing period "
            "from %(start)s to %(end)s, %(months)s months."
        ),
        Rule.NON_STANDARD_TERM: _(
            "Your term of %(ordered)s months is not a whole number of billing periods: the contract value is "
            "divided evenly by the term in months, then multiplied by the months of the period (%(start)s to "
            "%(end)s, %(months)s months), whatever the yearly amounts of your order document."
        ),
        Rule.PRORATED_CO_TERM: _(
            "Every product of the subscription ends on %(co_term_end)s. This one was provisioned on %(start)s, "
            "so only %(months)s of its %(ordered)s months are billed: the time before provisioning never is."
        ),
        Rule.SHARED_CAPACITY: _(
            "A shared-capacity product can be used at any time of the service period, so it is not prorated: "
            "the whole period from %(start)s to %(end)s is billed."
        ),
        Rule.ADD_ON_REMAINDER: _(
            "This add-on was provisioned on %(start)s, during a billing period ending %(end)s: this invoice "
            "covers the rest of that period, %(months)s months. Its next periods are billed with the "
            "subscription's other products."
        ),
        Rule.ADD_ON_PAID_AT_ONCE: _(
            "You chose to pay this add-on in full at purchase: %(months)s months, from %(start)s to the "
            "co-term end %(end)s."
        ),
    }[rule] % numbers
    lines = [steps]
    if rule == Rule.NON_STANDARD_TERM:
        lines.append(_("%(value)s ÷ %(ordered)s months × %(months)s = %(amount)s.") % numbers)
    else:
        lines.append(arithmetic)
    if f.get("last"):
        lines.append(
            _(
                "Last invoice of this product: it takes what the earlier ones did not bill (%(before)s so far), "
                "so that the plan adds up exactly to the amount due, to the cent."
            )
            % {"before": money(f["billed_before"])}
        )
    return lines


def _usage_steps(rule: Rule, f: dict[str, str], money) -> list[str]:
    if rule == Rule.BURSTING:
        numbers = {
            "used": f["used"].rstrip("0").rstrip("."),
            "subscribed": f["subscribed"].rstrip("0").rstrip("."),
            "cap": f["cap"].rstrip("0").rstrip("."),
            "billed": f["billed_capacity"].rstrip("0").rstrip("."),
            "hours": f["hours"].rstrip("0").rstrip("."),
            "price": money(f["unit_price"], exact=True),
            "amount": money(f["amount"]),
            "month": _month(f["period_start"]),
        }
        steps = [
            _(
                "In %(month)s you used up to %(used)s units where %(subscribed)s are subscribed. Total capacity "
                "is capped at twice the subscription (%(cap)s), so %(billed)s units are billed as bursting, "
                "by the hour, at the pay-as-you-go price."
            )
            % numbers,
            _("%(billed)s × %(hours)s hours × %(price)s = %(amount)s.") % numbers,
        ]
        return steps
    numbers = {
        "usage": money(f["usage"]),
        "commitment": money(f["commitment"]),
        "amount": money(f["amount"]),
        "month": _month(f["period_start"]),
        "co_term_end": _date(f["co_term_end"]),
    }
    if rule == Rule.USAGE_AFTER_TERM:
        return [
            _(
                "The term ended on %(co_term_end)s; the service keeps running at the original rates. Usage in "
                "%(month)s, %(usage)s, is billed monthly in arrears."
            )
            % numbers
        ]
    return [
        _(
            "Usage in %(month)s: %(usage)s, above the month's commitment of %(commitment)s. The difference is "
            "billed monthly in arrears: %(usage)s − %(commitment)s = %(amount)s."
        )
        % numbers
    ]


def explanation_from_figures(figures: dict[str, str]) -> LineExplanation:
    rule = Rule(figures["rule"])
    currency = figures["currency"]

    def money(value: str, exact: bool = False) -> str:
        amount = Decimal(value)
        return format_money(amount if exact else quantize(amount, currency), currency)

    usage = rule in (Rule.OVERAGE, Rule.USAGE_AFTER_TERM, Rule.BURSTING)
    steps = _usage_steps(rule, figures, money) if usage else _product_steps(rule, figures, money)
    return LineExplanation(
        rule=str(RULE_LABELS[rule]),
        steps=tuple(steps),
        link_url=reverse("orders:subscription", args=[figures["subscription"]]),
        link_label=_("See the subscription's billing plan and upcoming invoices"),
    )


def plan_line_explanation(line: PlanLine, *, subscription) -> LineExplanation:
    return explanation_from_figures(plan_line_figures(line, subscription=subscription))


def invoice_lines_explain(lines: Sequence[InvoiceLine]) -> dict[int, LineExplanation]:
    """The explainer registered into invoices: one query for the page's lines."""
    from orders.models import PlanLineInvoice

    rows = PlanLineInvoice.objects.filter(invoice_line_id__in=[line.pk for line in lines])
    return {
        row.invoice_line_id: explanation_from_figures(row.figures)
        for row in rows.only("invoice_line_id", "figures")
    }
