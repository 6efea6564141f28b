"""Month-end accrual: eligible consumption × rate, deposited as one lot per cloud subscription."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.money import ZERO, minor_unit_exponent
from notifications.services import outbox_enqueue_new
from rewards.eligibility import (
    account_exclusion_reason,
    deposit_date,
    expiry_date,
    month_end,
    month_start,
    rate_for,
)
from rewards.models import (
    ConsumptionRecord,
    LotSource,
    LotStatus,
    RewardAccrual,
    RewardsAccount,
)
from rewards.services.emails import RewardsEmailKind, dedupe_prefix
from rewards.signals import rewards_deposited

logger = logging.getLogger(__name__)
ACCRUAL_CHUNK = 1000


@dataclass
class AccrualReport:
    month: datetime.date
    accounts_accrued: int = 0
    lots_deposited: int = 0
    amount_by_currency: dict[str, Decimal] = field(default_factory=dict)


def eligible_consumption_by_subscription(
    *, month: datetime.date, rewards_account_ids: list[int] | None = None
) -> dict[int, dict[str, Decimal]]:
    """{rewards account id: {subscription: eligible consumption}} for one month, in one GROUP BY query.

    Only consumption from the enrollment's service start counts (a record counts by the day its usage starts),
    in the rewards account's currency; overage is consumption like any other.
    """
    records = ConsumptionRecord.objects.filter(
        month=month,
        is_eligible=True,
        account__rewards_account__is_active=True,
        period_start__gte=F("account__rewards_account__service_start"),
        currency=F("account__rewards_account__currency"),
    )
    if rewards_account_ids is not None:
        records = records.filter(account__rewards_account__in=rewards_account_ids)
    rows = (
        records.values("account__rewards_account", "subscription_number")
        .annotate(total=Sum("amount"))
        .order_by("account__rewards_account", "subscription_number")
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["account__rewards_account"]][row["subscription_number"]] = row["total"]
    return result


def rewards_accrue_month(
    *,
    month: datetime.date,
    rewards_account_ids: list[int] | None = None,
    today: datetime.date | None = None,
    notify: bool = True,
) -> AccrualReport:
    """Deposit the rewards of a finished month. Idempotent: a unique (account, month) row makes a rerun a no-op.

    Set-based: ACCRUAL_CHUNK accounts per transaction in a fixed number of statements (lock, rates,
    consumption, accruals, lots, activity, emails), whatever the chunk holds.
    """
    month = month_start(month)
    today = today or timezone.localdate()
    if month_end(month) >= today:
        raise ValueError(f"{month:%Y-%m} is not over yet: rewards are deposited at month end.")
    report = AccrualReport(month=month)
    pending = RewardsAccount.objects.filter(is_active=True).exclude(accruals__month=month)
    if rewards_account_ids is not None:
        pending = pending.filter(pk__in=rewards_account_ids)
    candidate_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    # Accounts are committed ACCRUAL_CHUNK at a time: a crash mid-chunk rolls the chunk back and the rerun
    # redoes it, since the unique (account, month) row is what marks an account done.
    for start in range(0, len(candidate_ids), ACCRUAL_CHUNK):
        _accrue_chunk(candidate_ids[start : start + ACCRUAL_CHUNK], month=month, notify=notify, report=report)
    return report


# The whole chunk in one statement: the chunk's accounts (locked, rates decided) as arrays; eligible
# consumption grouped per subscription; one accrual per account (an account another run accrued meanwhile
# is skipped by the conflict, with everything below it); one lot per subscription that earned something;
# one activity entry per account that got lots. Amounts are rounded half-up to the currency's minor unit
# (PostgreSQL's round() on numeric rounds half away from zero: the same for these non-negative amounts).
_CHUNK_SQL = """
WITH chunk AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(account_ids)s::bigint[], %(rates)s::numeric[],
                         %(rate_labels)s::text[], %(currencies)s::text[], %(digits)s::int[], %(starts)s::date[])
        AS c(rewards_account_id, account_id, rate, rate_label, currency, digits, service_start)
), consumption AS (
    SELECT chunk.rewards_account_id, record.subscription_number, sum(record.amount) AS total
    FROM rewards_consumptionrecord AS record JOIN chunk ON chunk.account_id = record.account_id
    WHERE record.month = %(month)s AND record.is_eligible AND record.period_start >= chunk.service_start
      AND record.currency = chunk.currency
    GROUP BY chunk.rewards_account_id, record.subscription_number
), earned AS (
    SELECT consumption.rewards_account_id, consumption.subscription_number,
           round(consumption.total, chunk.digits) AS consumption,
           round(consumption.total * chunk.rate, chunk.digits) AS amount
    FROM consumption JOIN chunk USING (rewards_account_id)
), accruals AS (
    INSERT INTO rewards_rewardaccrual (rewards_account_id, month, eligible_consumption, rate, amount, created_at)
    SELECT chunk.rewards_account_id, %(month)s, round(coalesce(sum(earned.consumption), 0), chunk.digits),
           chunk.rate, coalesce(sum(earned.amount), 0), %(now)s
    FROM chunk LEFT JOIN earned USING (rewards_account_id)
    GROUP BY chunk.rewards_account_id, chunk.rate, chunk.digits
    ON CONFLICT (rewards_account_id, month) DO NOTHING
    RETURNING id, rewards_account_id, amount
), lots AS (
    INSERT INTO rewards_rewardlot (rewards_account_id, accrual_id, source, subscription_number, month_earned,
        deposited_on, expires_on, rate, consumption, amount, remaining, currency, status, created_at)
    SELECT accruals.rewards_account_id, accruals.id, %(source)s, earned.subscription_number, %(month)s,
           %(deposited_on)s, %(expires_on)s, chunk.rate, earned.consumption, earned.amount, earned.amount,
           chunk.currency, %(available)s, %(now)s
    FROM accruals JOIN earned USING (rewards_account_id) JOIN chunk USING (rewards_account_id)
    WHERE earned.amount > 0
    RETURNING id, rewards_account_id, amount
), per_account AS (
    SELECT accruals.id AS accrual_id, accruals.rewards_account_id, accruals.amount AS accrued,
           count(lots.id) AS lots, coalesce(sum(lots.amount), 0) AS deposited,
           coalesce(jsonb_agg(lots.id ORDER BY lots.id) FILTER (WHERE lots.id IS NOT NULL), '[]') AS lot_ids
    FROM accruals LEFT JOIN lots USING (rewards_account_id)
    GROUP BY accruals.id, accruals.rewards_account_id, accruals.amount
), activity AS (
    INSERT INTO accounts_activityentry (account_id, actor_id, actor_email, by_vendor_support, action, params,
        summary, target, details, ip_address, created_at)
    SELECT chunk.account_id, NULL, '', false, 'rewards.deposited',
           jsonb_build_object('amount', per_account.accrued::text, 'currency', chunk.currency,
                              'month', %(month_label)s),
           '', %(month_label)s,
           jsonb_build_object('accrual', per_account.accrual_id, 'lots', per_account.lot_ids,
                              'rate', chunk.rate_label),
           NULL, %(now)s
    FROM per_account JOIN chunk USING (rewards_account_id)
    WHERE per_account.lots > 0
)
SELECT per_account.accrual_id, per_account.rewards_account_id, per_account.lots, per_account.deposited,
       chunk.currency
FROM per_account JOIN chunk USING (rewards_account_id)
"""


@transaction.atomic
def _accrue_chunk(ids: list[int], *, month: datetime.date, notify: bool, report: AccrualReport) -> None:
    # The consumption import takes the same row locks: no row can be added to a month being accrued.
    locked = [
        rewards_account
        for rewards_account in RewardsAccount.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, is_active=True)
        .select_related("account")
        .order_by("pk")
        if not account_exclusion_reason(rewards_account.account)
    ]
    if not locked:
        return
    rates = {ra.pk: rate_for(ra.account) for ra in locked}  # the ULA in force at month end decides the rate
    changed = [ra for ra in locked if rates[ra.pk] != ra.rate]
    for ra in changed:
        ra.rate = rates[ra.pk]
    if changed:
        RewardsAccount.objects.bulk_update(changed, ["rate"])
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _CHUNK_SQL,
            {
                "ids": [ra.pk for ra in locked],
                "account_ids": [ra.account_id for ra in locked],
                "rates": [rates[ra.pk] for ra in locked],
                "rate_labels": [str(rates[ra.pk]) for ra in locked],
                "currencies": [ra.currency for ra in locked],
                "digits": [minor_unit_exponent(ra.currency) for ra in locked],
                "starts": [ra.service_start for ra in locked],
                "month": month,
                "month_label": f"{month:%Y-%m}",
                "deposited_on": deposit_date(month),
                "expires_on": expiry_date(month),
                "source": LotSource.ACCRUAL.value,
                "available": LotStatus.AVAILABLE.value,
                "now": now,
            },
        )
        accrued = cursor.fetchall()
    if len(accrued) < len(locked):
        logger.info("%s accrual(s) of %s already done by another run", len(locked) - len(accrued), month)
    languages = {ra.pk: ra.account.language for ra in locked}
    account_ids = {ra.pk: ra.account_id for ra in locked}
    if notify:
        outbox_enqueue_new(
            kind=RewardsEmailKind.DEPOSIT,
            dedupe_prefix=dedupe_prefix(RewardsEmailKind.DEPOSIT),
            targets=[
                (RewardAccrual(pk=accrual_id), languages[rewards_account_id])
                for accrual_id, rewards_account_id, lots, _amount, _currency in accrued
                if lots
            ],
        )
    rewards_deposited.send(
        sender=RewardAccrual,
        deposits=[
            (account_ids[rewards_account_id], accrual_id, month)
            for accrual_id, rewards_account_id, lots, _amount, _currency in accrued
            if lots
        ],
    )
    report.accounts_accrued += len(accrued)
    for _accrual_id, _rewards_account_id, lots, amount, currency in accrued:
        report.lots_deposited += lots
        if lots:
            report.amount_by_currency[currency] = report.amount_by_currency.get(currency, ZERO) + amount
