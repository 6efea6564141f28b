"""Property tests of the billing-plan engine (Hypothesis): sums to the cent, no day billed twice, month-end
anchors never skip a month."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.billing import BillingFrequency, BillingTiming, ProductTerms, SubscriptionTerms, plan_compute
from orders.billing.calendar import add_months, months_between

anchors = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 12, 31))
month_ends = st.builds(
    lambda year, month: add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1),
    st.integers(2020, 2040),
    st.integers(1, 12),
)
values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
frequencies = st.sampled_from(list(BillingFrequency))
terms_months = st.integers(min_value=1, max_value=72)


def _terms(start, months, frequency, arrears=False) -> SubscriptionTerms:
    timing = (
        BillingTiming.ARREARS if arrears and frequency == BillingFrequency.MONTHLY else BillingTiming.ADVANCE
    )
    return SubscriptionTerms(
        start=start, term_months=months, frequency=frequency, timing=timing, currency="USD"
    )


@settings(max_examples=200, deadline=None)
@given(start=anchors, months=terms_months, frequency=frequencies, value=values, arrears=st.booleans())
def test_a_plan_sums_to_the_contract_value_to_the_cent(start, months, frequency, value, arrears):
    terms = _terms(start, months, frequency, arrears)
    product = ProductTerms("P", "O", "P", value, start, start)
    plan = plan_compute(terms=terms, products=[product])
    assert sum(line.amount for line in plan) == value
    assert len(plan) == terms.period_count
    assert all(line.amount >= 0 for line in plan)


@settings(max_examples=200, deadline=None)
@given(
    start=anchors,
    months=terms_months,
    frequency=frequencies,
    value=values,
    delay=st.integers(min_value=0, max_value=2500),
    addon_delay=st.integers(min_value=0, max_value=2500),
)
def test_no_day_is_billed_twice_across_a_co_term_or_an_add_on(
    start, months, frequency, value, delay, addon_delay
):
    terms = _terms(start, months, frequency)
    late = start + datetime.timedelta(days=delay)
    addon_start = start + datetime.timedelta(days=addon_delay)
    products = [
        ProductTerms("A", "O1", "A", value, start, late),
        ProductTerms("B", "O2", "B", value, addon_start, addon_start, add_on=True),
    ]
    plan = plan_compute(terms=terms, products=products)
    for key, first_day in (("A", late), ("B", addon_start)):
        lines = sorted((line for line in plan if line.product_key == key), key=lambda line: line.period_start)
        if first_day >= terms.end_exclusive:
            assert lines == []
            continue
        # contiguous, non-overlapping periods from the first billed day to the co-term end
        assert lines[0].period_start == first_day
        for before, after in zip(lines, lines[1:], strict=False):
            assert after.period_start == before.period_end + datetime.timedelta(days=1)
        assert lines[-1].period_end == terms.end
        # and their months add up to the part-month measure of the whole stretch
        assert sum(line.months for line in lines) == months_between(start, first_day, terms.end_exclusive)


@settings(max_examples=300, deadline=None)
@given(anchor=month_ends, months=st.integers(min_value=1, max_value=60))
def test_month_end_anchors_never_skip_a_month(anchor, months):
    boundaries = [add_months(anchor, n) for n in range(months + 1)]
    for before, after in zip(boundaries, boundaries[1:], strict=False):
        month_index = lambda day: day.year * 12 + day.month  # noqa: E731
        assert month_index(after) - month_index(before) == 1  # exactly the next calendar month
        assert after.day == min(
            anchor.day, (add_months(after.replace(day=1), 1) - datetime.timedelta(days=1)).day
        )


@settings(max_examples=200, deadline=None)
@given(start=anchors, months=terms_months, value=values, delay=st.integers(0, 400))
def test_a_late_product_is_billed_its_prorated_share_exactly(start, months, value, delay):
    terms = _terms(start, months, BillingFrequency.ANNUAL)
    late = start + datetime.timedelta(days=delay)
    plan = plan_compute(terms=terms, products=[ProductTerms("P", "O", "P", value, start, late)])
    if late >= terms.end_exclusive:
        assert plan == []
        return
    share = months_between(start, late, terms.end_exclusive) / months
    exact = Decimal(share.numerator) * value / Decimal(share.denominator)
    assert abs(sum(line.amount for line in plan) - exact) <= Decimal("0.005")
    assert all(line.due_on >= late for line in plan)  # never invoiced before provisioning
