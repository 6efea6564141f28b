"""Migration 0009 moves each RewardExpiry row's amount onto its lot, and back when reversed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from rewards.models import LotStatus, RewardLot
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("rewards", "0008_expiry_rewards_account")]
AFTER = [("rewards", "0009_expiry_on_the_lot")]


def test_expiries_move_onto_their_lots_and_back(migrate_to):
    rewards_account = RewardsAccountFactory()
    month = datetime.date(2021, 12, 1)
    with_expiry, without_expiry, available = (
        RewardLotFactory(rewards_account=rewards_account, month_earned=month, amount=Decimal("40.00"))
        for _ in range(3)
    )
    old = migrate_to(BEFORE)
    OldLot = old.get_model("rewards", "RewardLot")
    OldLot.objects.filter(pk__in=[with_expiry.pk, without_expiry.pk]).update(status="expired", remaining=0)
    old.get_model("rewards", "RewardExpiry").objects.create(
        lot_id=with_expiry.pk,
        rewards_account_id=rewards_account.pk,
        amount=Decimal("12.50"),
        expired_on=with_expiry.expires_on,
    )

    migrate_to(AFTER)

    lots = {lot.pk: lot for lot in RewardLot.objects.all()}
    assert (lots[with_expiry.pk].status, lots[with_expiry.pk].expired_amount) == (
        LotStatus.EXPIRED,
        Decimal("12.50"),
    )
    assert lots[without_expiry.pk].expired_amount == Decimal("0.00")  # expired with nothing left
    assert (lots[available.pk].status, lots[available.pk].expired_amount) == (LotStatus.AVAILABLE, None)

    old = migrate_to(BEFORE)
    expiries = old.get_model("rewards", "RewardExpiry").objects.order_by("lot_id")
    assert [(expiry.lot_id, expiry.amount) for expiry in expiries] == [
        (with_expiry.pk, Decimal("12.50")),
        (without_expiry.pk, Decimal("0.00")),
    ]
