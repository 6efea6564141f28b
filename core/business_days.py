"""Business days of a country (weekends and public holidays from the `holidays` library).

Bank transfers take up to settings.TRANSFER_ARRIVAL_BUSINESS_DAYS business days to reach the vendor
(seeds: two), and settings.INVOICE_CLOSING_BUSINESS_DAYS more for the invoice to be closed (one); after
that the customer may ask billing support to look for the money. Pages and emails state these numbers
from the settings, never as text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

WEEKEND = {5, 6}  # Saturday, Sunday


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[datetime.date]:
    import holidays  # on first use: its calendars cost ~80 ms at every process start (bench/startup.py)

    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        # A country the library does not know: weekends only, rather than refusing to answer.
        return frozenset()
    return frozenset(calendar.keys())


def is_business_day(day: datetime.date, *, country: str) -> bool:
    return day.weekday() not in WEEKEND and day not in _public_holidays(country.upper(), day.year)


def business_days_add(start: datetime.date, days: int, *, country: str) -> datetime.date:
    """The date `days` business days after `start` (start itself never counts, even on a business day)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_business_day(day, country=country):
            counted += 1
    return day


def business_days_between(start: datetime.date, end: datetime.date, *, country: str) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_business_day(day, country=country):
            count += 1
    return count


def transfer_business_days() -> tuple[int, int]:
    """(business days for a transfer to reach us, business days more to close the invoice), as configured."""
    return settings.TRANSFER_ARRIVAL_BUSINESS_DAYS, settings.INVOICE_CLOSING_BUSINESS_DAYS


@dataclass(frozen=True)
class TransferSchedule:
    paid_on: datetime.date
    arrives_by: datetime.date  # money reaches the vendor's bank at the latest
    reflected_by: datetime.date  # the invoice shows it (closed if it covered the balance)
    business_days: int = 3  # arrival + closing, as configured when the schedule was computed

    def support_offered_on(self, today: datetime.date) -> bool:
        """More than the configured business days have passed: the customer may ask billing support."""
        return today > self.reflected_by


def transfer_schedule(*, paid_on: datetime.date, country: str) -> TransferSchedule:
    arrival_days, closing_days = transfer_business_days()
    arrives_by = business_days_add(paid_on, arrival_days, country=country)
    reflected_by = business_days_add(arrives_by, closing_days, country=country)
    return TransferSchedule(
        paid_on=paid_on,
        arrives_by=arrives_by,
        reflected_by=reflected_by,
        business_days=arrival_days + closing_days,
    )
