"""Month arithmetic from an anchor date, and the part-month rule used for proration.

Periods are always computed from the anchor (`anchor + relativedelta(months=n)`), never by chaining
additions and never with `rrule(MONTHLY)`: from 31 January the next boundaries are 28/29 February, 31 March,
30 April... (dateutil clamps to the month's last day), so no month is skipped and no day is lost.

**Part-month rule.** The anchor's boundaries cut time into "anchor months" (31 Jan → 29 Feb → 31 Mar in a
leap year). A stretch of days is worth its whole anchor months plus, for each anchor month it covers only in
part, the days covered divided by the number of days of that anchor month. Measured this way, months are
additive: two stretches that meet without overlapping are worth exactly the stretch they make together, so
proration never bills a day twice nor forgets one. A full anchor month is worth exactly 1 whatever its
length in days. Values are `Fraction`s: exact until the final rounding to the currency.
"""

from __future__ import annotations

import datetime
import functools
from fractions import Fraction

from dateutil.relativedelta import relativedelta


@functools.lru_cache(maxsize=65536)  # pure, and the same few anchors recur across thousands of plans
def add_months(anchor: datetime.date, months: int) -> datetime.date:
    """The anchor moved by whole months, clamped to the last day of a shorter month."""
    return anchor + relativedelta(months=months)


def whole_months_reached(anchor: datetime.date, day: datetime.date) -> int:
    """The largest n ≥ 0 with add_months(anchor, n) ≤ day (day on or after the anchor)."""
    if day < anchor:
        raise ValueError(f"{day} is before the anchor {anchor}")
    delta = relativedelta(day, anchor)
    months = delta.years * 12 + delta.months
    while add_months(anchor, months + 1) <= day:
        months += 1
    while months > 0 and add_months(anchor, months) > day:
        months -= 1
    return months


@functools.lru_cache(maxsize=65536)
def month_position(anchor: datetime.date, day: datetime.date) -> Fraction:
    """How many anchor months separate `day` from the anchor (exact, with the part-month rule)."""
    months = whole_months_reached(anchor, day)
    start = add_months(anchor, months)
    if start == day:
        return Fraction(months)
    length = (add_months(anchor, months + 1) - start).days
    return months + Fraction((day - start).days, length)


def months_between(anchor: datetime.date, start: datetime.date, end_exclusive: datetime.date) -> Fraction:
    """The anchor months from `start` (included) to `end_exclusive` (excluded)."""
    if end_exclusive < start:
        raise ValueError(f"{end_exclusive} is before {start}")
    return month_position(anchor, end_exclusive) - month_position(anchor, start)


def fraction_text(value: Fraction) -> str:
    """11 → "11"; 2 + 17/31 → "2 + 17/31" (how the "Why this amount?" panel writes a number of months)."""
    whole, rest = divmod(value.numerator, value.denominator)
    if rest == 0:
        return str(whole)
    part = f"{rest}/{value.denominator}"
    return f"{whole} + {part}" if whole else part
