"""Transfers take up to 2 business days to arrive and 1 more to close the invoice (public holidays count as closed)."""

import datetime

from core.business_days import (
    business_days_add,
    business_days_between,
    is_business_day,
    transfer_schedule,
)

GOOD_FRIDAY_2026 = datetime.date(2026, 4, 3)  # Easter Monday (6 April) is a holiday in France, not in the US
FRIDAY_BEFORE_LABOR_DAY_2026 = datetime.date(2026, 9, 4)  # Labor Day: Monday 7 September, US only
FRIDAY_BEFORE_WHIT_MONDAY_2026 = datetime.date(2026, 5, 22)  # Whit Monday (25 May) in France
WEDNESDAY_BEFORE_THANKSGIVING_2026 = datetime.date(2026, 11, 25)


def test_weekends_and_public_holidays_are_not_business_days():
    assert not is_business_day(datetime.date(2026, 4, 4), country="FR")  # Saturday
    assert not is_business_day(datetime.date(2026, 4, 6), country="FR")  # Easter Monday
    assert is_business_day(datetime.date(2026, 4, 6), country="US")
    assert not is_business_day(datetime.date(2026, 7, 14), country="FR")
    assert not is_business_day(datetime.date(2026, 7, 3), country="US")  # Independence Day observed
    assert is_business_day(datetime.date(2026, 7, 3), country="FR")


def test_transfer_paid_the_friday_before_a_french_holiday_is_reflected_on_the_fourth_day_after():
    schedule = transfer_schedule(paid_on=GOOD_FRIDAY_2026, country="FR")
    # Mon 6 is Easter Monday: Tue 7 and Wed 8 to arrive, Thu 9 to close the invoice.
    assert schedule.arrives_by == datetime.date(2026, 4, 8)
    assert schedule.reflected_by == datetime.date(2026, 4, 9)


def test_same_transfer_from_the_us_is_reflected_a_day_earlier():
    schedule = transfer_schedule(paid_on=GOOD_FRIDAY_2026, country="US")
    assert schedule.arrives_by == datetime.date(2026, 4, 7)
    assert schedule.reflected_by == datetime.date(2026, 4, 8)


def test_transfer_paid_the_friday_before_labor_day_skips_the_us_holiday():
    us = transfer_schedule(paid_on=FRIDAY_BEFORE_LABOR_DAY_2026, country="US")
    fr = transfer_schedule(paid_on=FRIDAY_BEFORE_LABOR_DAY_2026, country="FR")
    assert (us.arrives_by, us.reflected_by) == (datetime.date(2026, 9, 9), datetime.date(2026, 9, 10))
    assert (fr.arrives_by, fr.reflected_by) == (datetime.date(2026, 9, 8), datetime.date(2026, 9, 9))


def test_transfer_paid_before_whit_monday_in_france():
    schedule = transfer_schedule(paid_on=FRIDAY_BEFORE_WHIT_MONDAY_2026, country="FR")
    assert schedule.reflected_by == datetime.date(2026, 5, 28)


def test_thanksgiving_week_in_the_us():
    schedule = transfer_schedule(paid_on=WEDNESDAY_BEFORE_THANKSGIVING_2026, country="US")
    # Thu 26 Thanksgiving, Fri 27 and Mon 30 to arrive, Tue 1 December to close.
    assert schedule.arrives_by == datetime.date(2026, 11, 30)
    assert schedule.reflected_by == datetime.date(2026, 12, 1)


def test_transfer_sent_on_a_saturday_counts_from_monday():
    assert transfer_schedule(paid_on=datetime.date(2026, 3, 7), country="US").reflected_by == datetime.date(
        2026, 3, 11
    )


def test_billing_support_is_offered_only_after_three_business_days():
    schedule = transfer_schedule(paid_on=GOOD_FRIDAY_2026, country="FR")
    assert not schedule.support_offered_on(datetime.date(2026, 4, 9))
    assert schedule.support_offered_on(datetime.date(2026, 4, 10))
    assert business_days_between(GOOD_FRIDAY_2026, datetime.date(2026, 4, 10), country="FR") == 4


def test_unknown_country_falls_back_to_weekends():
    assert business_days_add(datetime.date(2026, 4, 3), 1, country="ZZ") == datetime.date(2026, 4, 6)
