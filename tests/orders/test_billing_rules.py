"""One test per billing rule of the FAQ (seed 002), with its numbers. The engine is pure: no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from orders.billing import (
    BillingFrequency,
    BillingTiming,
    ProductTerms,
    Rule,
    SubscriptionTerms,
    plan_compute,
)
from orders.billing.calendar import add_months, month_position, months_between
from orders.billing.plan import ready_dates
from orders.billing.usage import UsageInput, UsageKind, burst_billable_capacity, usage_plan_compute

D = Decimal
JAN_1 = datetime.date(2027, 1, 1)


def terms(months=12, frequency="annual", timing="advance", start=JAN_1, currency="USD") -> SubscriptionTerms:
    return SubscriptionTerms(
        start=start,
        term_months=months,
        frequency=BillingFrequency(frequency),
        timing=BillingTiming(timing),
        currency=currency,
    )


def product(key="P", value="24000", provisioned=JAN_1, ordered=JAN_1, order="O1", **extra) -> ProductTerms:
    return ProductTerms(
        key=key,
        order_key=order,
        product=key,
        amount=D(value),
        ordered_start=ordered,
        provisioned_on=provisioned,
        **extra,
    )


def test_120000_over_three_years_annual_in_advance_gives_three_invoices_of_40000():
    plan = plan_compute(terms=terms(36), products=[product(value="120000")])
    assert [line.amount for line in plan] == [D("40000.00")] * 3
    assert [line.due_on for line in plan] == [JAN_1, datetime.date(2028, 1, 1), datetime.date(2029, 1, 1)]
    assert {line.rule for line in plan} == {Rule.FULL_PERIOD}


def test_non_standard_term_divides_the_value_by_the_term_then_multiplies_by_the_period():
    """3 250 USD over 55 months annual in advance: 3 250 / 55 × 12 = 709.09 (the FAQ's 709), not the first
    year's 250; the last (7-month) invoice takes the rest so the plan sums to 3 250.00."""
    plan = plan_compute(terms=terms(55), products=[product(value="3250")])
    assert [line.amount for line in plan] == [D("709.09")] * 4 + [D("413.64")]
    assert sum(line.amount for line in plan) == D("3250.00")
    assert {line.rule for line in plan} == {Rule.NON_STANDARD_TERM}
    assert plan[-1].months == 7 and plan[-1].absorbs_rounding and plan[-1].billed_before == D("2836.36")


def test_co_terming_prorates_a_product_provisioned_a_month_later():
    """PaaS 1 Jan–31 Dec, 12 months, 24 000 USD; SaaS 1 Feb–31 Dec, 11 months, 22 000 USD."""
    plan = plan_compute(
        terms=terms(12),
        products=[product("PaaS"), product("SaaS", provisioned=datetime.date(2027, 2, 1))],
    )
    paas, saas = sorted(plan, key=lambda line: line.product)
    assert (paas.period_start, paas.period_end, paas.months, paas.amount) == (
        JAN_1,
        datetime.date(2027, 12, 31),
        12,
        D("24000.00"),
    )
    assert (saas.period_start, saas.period_end, saas.months, saas.amount) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 12, 31),
        11,
        D("22000.00"),
    )
    assert saas.rule == Rule.PRORATED_CO_TERM and paas.rule == Rule.FULL_PERIOD


def test_part_months_are_days_over_the_length_of_their_anchor_month():
    # 15 Feb → 31 Dec from a 1 Jan anchor: 10 whole months + 14 of February's 28 days.
    assert months_between(JAN_1, datetime.date(2027, 2, 15), datetime.date(2028, 1, 1)) == 10 + D(14) / 28
    plan = plan_compute(terms=terms(12), products=[product(provisioned=datetime.date(2027, 2, 15))])
    assert plan[0].amount == D("21000.00")  # 24 000 × 10.5 / 12


def test_month_end_anchors_clamp_and_never_skip_a_month():
    anchor = datetime.date(2027, 1, 31)
    assert [add_months(anchor, n) for n in range(4)] == [
        anchor,
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 30),
    ]
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    plan = plan_compute(
        terms=terms(4, "monthly", start=anchor),
        products=[product(value="1000", ordered=anchor, provisioned=anchor)],
    )
    assert [(line.period_start, line.period_end) for line in plan] == [
        (datetime.date(2027, 1, 31), datetime.date(2027, 2, 27)),
        (datetime.date(2027, 2, 28), datetime.date(2027, 3, 30)),
        (datetime.date(2027, 3, 31), datetime.date(2027, 4, 29)),
        (datetime.date(2027, 4, 30), datetime.date(2027, 5, 30)),
    ]
    assert [line.amount for line in plan] == [D("250.00")] * 4
    assert month_position(anchor, datetime.date(2027, 2, 28)) == 1


def test_monthly_in_arrears_invoices_the_day_after_each_period():
    plan = plan_compute(terms=terms(3, "monthly", "arrears"), products=[product(value="3000")])
    assert [line.due_on for line in plan] == [
        datetime.date(2027, 2, 1),
        datetime.date(2027, 3, 1),
        datetime.date(2027, 4, 1),
    ]


def test_quarterly_in_advance_bills_four_periods_a_year():
    plan = plan_compute(terms=terms(12, "quarterly"), products=[product(value="10000")])
    assert [line.amount for line in plan] == [D("2500.00")] * 4


def test_arrears_is_monthly_only():
    with pytest.raises(ValueError):
        terms(12, "annual", "arrears")


def test_nothing_is_billed_before_provisioning():
    assert plan_compute(terms=terms(12), products=[product(provisioned=None)]) == []


def test_an_order_is_invoiced_when_all_its_products_are_provisioned_or_15_days_after_the_first():
    day = datetime.date
    # All provisioned within 15 days: released when the last one is.
    ready = ready_dates(
        [product("A", provisioned=day(2027, 1, 1)), product("B", provisioned=day(2027, 1, 5))]
    )
    assert ready == {"A": day(2027, 1, 5), "B": day(2027, 1, 5)}
    # One still waiting: released 15 days after the first activation; the late one is billed on its own day.
    ready = ready_dates([product("A", provisioned=day(2027, 1, 1)), product("B", provisioned=None)])
    assert ready == {"A": day(2027, 1, 16), "B": None}
    ready = ready_dates(
        [product("A", provisioned=day(2027, 1, 1)), product("B", provisioned=day(2027, 2, 1))]
    )
    assert ready == {"A": day(2027, 1, 16), "B": day(2027, 2, 1)}  # two invoices for one order


def test_the_15_day_rule_is_per_order():
    day = datetime.date
    ready = ready_dates(
        [product("A", provisioned=day(2027, 1, 1)), product("B", provisioned=None, order="O2")]
    )
    assert ready["A"] == day(2027, 1, 1)  # its order has every product provisioned


def test_an_add_on_is_billed_for_the_rest_of_the_period_then_with_the_subscription():
    """Base 36 months annual; an add-on of 9 000 for 1 Jul 2027 → 31 Dec 2029 (30 months): the rest of the
    first period (6 months: 1 800.00), then 3 600.00 on each following annual invoice."""
    start = datetime.date(2027, 7, 1)
    addon = product("AddOn", value="9000", ordered=start, provisioned=start, add_on=True, order="O2")
    plan = plan_compute(terms=terms(36), products=[product(value="120000"), addon])
    lines = [line for line in plan if line.product_key == "AddOn"]
    assert [(line.period_start, line.amount, line.rule) for line in lines] == [
        (start, D("1800.00"), Rule.ADD_ON_REMAINDER),
        (datetime.date(2028, 1, 1), D("3600.00"), Rule.FULL_PERIOD),
        (datetime.date(2029, 1, 1), D("3600.00"), Rule.FULL_PERIOD),
    ]
    # consolidated: the add-on's later lines fall due with the base product's
    base_due = {line.due_on for line in plan if line.product_key == "P"}
    assert {line.due_on for line in lines[1:]} <= base_due


def test_an_add_on_paid_at_once_is_one_line_for_its_whole_remaining_term():
    start = datetime.date(2027, 7, 1)
    addon = product("AddOn", value="9000", ordered=start, provisioned=start, add_on=True, paid_at_once=True)
    (line,) = plan_compute(terms=terms(36), products=[addon])
    assert (line.rule, line.amount, line.period_start, line.period_end, line.due_on) == (
        Rule.ADD_ON_PAID_AT_ONCE,
        D("9000.00"),
        start,
        datetime.date(2029, 12, 31),
        start,
    )


def test_shared_capacity_products_are_not_prorated():
    plan = plan_compute(
        terms=terms(12),
        products=[product("Shared", provisioned=datetime.date(2027, 3, 1), shared_capacity=True)],
    )
    assert plan[0].amount == D("24000.00") and plan[0].rule == Rule.SHARED_CAPACITY
    assert plan[0].due_on == datetime.date(2027, 3, 1)  # still never invoiced before provisioning


def test_rounding_is_half_up_per_line_and_the_last_line_takes_the_rest():
    # 100.00 over 3 months monthly: 33.33, 33.33, 33.34
    plan = plan_compute(terms=terms(3, "monthly"), products=[product(value="100")])
    assert [line.amount for line in plan] == [D("33.33"), D("33.33"), D("33.34")]
    # 0.05 over 2 months: 0.025 → 0.03 half-up (not banker's 0.02), last 0.02
    plan = plan_compute(terms=terms(2, "monthly"), products=[product(value="0.05")])
    assert [line.amount for line in plan] == [D("0.03"), D("0.02")]


def test_zero_decimal_currencies_round_to_whole_units():
    plan = plan_compute(terms=terms(3, "monthly", currency="JPY"), products=[product(value="1000")])
    assert [line.amount for line in plan] == [D("333"), D("333"), D("334")]


def usage(month, quantity, price="1", committed="0", kind=UsageKind.CONSUMPTION, **extra) -> UsageInput:
    return UsageInput(
        key=f"{month}-{kind}",
        month=month,
        product="OCI",
        kind=kind,
        quantity=D(quantity),
        unit_price=D(price),
        committed_amount=D(committed),
        **extra,
    )


def test_overage_above_the_commitment_is_billed_monthly_in_arrears():
    march = datetime.date(2027, 3, 1)
    lines = usage_plan_compute(terms=terms(12), usage=[usage(march, "12500", "0.8", committed="8000")])
    (line,) = lines
    assert (line.rule, line.amount, line.due_on) == (Rule.OVERAGE, D("2000.00"), datetime.date(2027, 4, 1))
    assert usage_plan_compute(terms=terms(12), usage=[usage(march, "100", "1", committed="8000")]) == []


def test_usage_after_the_term_continues_at_the_original_rates():
    after = datetime.date(2028, 2, 1)
    (line,) = usage_plan_compute(terms=terms(12), usage=[usage(after, "1000", "0.8", committed="8000")])
    assert (line.rule, line.amount) == (Rule.USAGE_AFTER_TERM, D("800.00"))


def test_bursting_is_capped_at_twice_the_subscription():
    """4 OCPU subscribed: bursting is capped at a total of 8 OCPU, so at most 4 are billed."""
    assert burst_billable_capacity(used=D("10"), subscribed=D("4")) == D("4")
    assert burst_billable_capacity(used=D("6"), subscribed=D("4")) == D("2")
    assert burst_billable_capacity(used=D("3"), subscribed=D("4")) == D("0")
    march = datetime.date(2027, 3, 1)
    record = usage(march, "10", "0.05", kind=UsageKind.BURST, subscribed_quantity=D("4"), hours=D("100"))
    (line,) = usage_plan_compute(terms=terms(12), usage=[record])
    assert (line.rule, line.amount, line.due_on) == (Rule.BURSTING, D("20.00"), datetime.date(2027, 4, 1))
    assert line.details["cap"] == "8" and line.details["capped"] == "1"


def test_a_line_never_takes_more_than_is_left_so_no_line_is_negative():
    # 0.02 over 10 months quarterly: 0.006 a quarter rounds to 0.01; the third quarter would pass the total.
    plan = plan_compute(terms=terms(10, "quarterly"), products=[product(value="0.02")])
    assert [line.amount for line in plan] == [D("0.01"), D("0.01"), D("0.00"), D("0.00")]
