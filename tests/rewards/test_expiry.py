import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import ActivityEntry
from rewards.models import ExpiryReminder, LotStatus, RewardLot
from rewards.services import rewards_expire_due, rewards_remind_expiring
from rewards.tasks import rewards_expire_daily
from tests.factories import MembershipFactory
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = pytest.mark.django_db
DEC_2021 = datetime.date(2021, 12, 1)


def dec_2021_lot(**kwargs):
    return RewardLotFactory(month_earned=DEC_2021, **kwargs)


def test_a_december_2021_lot_is_usable_through_december_31_2022_and_expired_on_january_1_2023():
    lot = dec_2021_lot(amount=Decimal("40.00"), remaining=Decimal("30.00"))
    assert rewards_expire_due(today=datetime.date(2022, 12, 31)).lots_expired == 0
    lot.refresh_from_db()
    assert lot.status == LotStatus.AVAILABLE

    report = rewards_expire_due(today=datetime.date(2023, 1, 1))
    lot.refresh_from_db()
    assert report.lots_expired == 1
    assert (lot.status, lot.remaining) == (LotStatus.EXPIRED, Decimal("0.00"))
    assert lot.expired_amount == Decimal("30.00")


def test_expiry_records_the_amount_that_expired_and_an_activity_entry():
    rewards_account = RewardsAccountFactory()
    dec_2021_lot(rewards_account=rewards_account, remaining=Decimal("12.34"))
    dec_2021_lot(rewards_account=rewards_account, remaining=Decimal("0.66"))
    report = rewards_expire_due(today=datetime.date(2023, 1, 1))
    assert report.amount_by_currency == {"USD": Decimal("13.00")}
    entry = ActivityEntry.objects.get(action="rewards.expired")
    assert entry.account == rewards_account.account
    assert entry.params == {"amount": "13.00", "currency": "USD"}
    assert "$13.00 of Support Rewards expired." in entry.sentence


def test_a_second_expiry_run_changes_nothing():
    dec_2021_lot()
    rewards_expire_due(today=datetime.date(2023, 1, 1))
    second = rewards_expire_due(today=datetime.date(2023, 1, 2))
    assert second.lots_expired == 0
    assert RewardLot.objects.get().expired_amount == Decimal("100.00")
    assert ActivityEntry.objects.filter(action="rewards.expired").count() == 1


def test_expiry_runs_in_batches_until_every_due_lot_is_expired():
    for _ in range(5):
        dec_2021_lot()
    fresh = RewardLotFactory(month_earned=datetime.date(2022, 6, 1))
    report = rewards_expire_due(today=datetime.date(2023, 1, 1), batch_size=2)
    assert (report.lots_expired, report.batches) == (5, 3)
    fresh.refresh_from_db()
    assert fresh.status == LotStatus.AVAILABLE


def test_used_up_lots_are_not_counted_as_expired():
    lot = dec_2021_lot(remaining=Decimal("0"), status=LotStatus.EXHAUSTED)
    rewards_expire_due(today=datetime.date(2023, 1, 1))
    lot.refresh_from_db()
    assert lot.status == LotStatus.EXHAUSTED
    assert lot.expired_amount is None


def test_expired_rewards_can_never_be_reactivated():
    lot = dec_2021_lot()
    rewards_expire_due(today=datetime.date(2023, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(remaining=Decimal("10.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(status=LotStatus.AVAILABLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(expired_amount=None)
    # All at once, every CHECK would hold: the trigger of migration 0009 refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(
            status=LotStatus.AVAILABLE, remaining=Decimal("100.00"), expired_amount=None
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).delete()
    lot.refresh_from_db()
    assert (lot.status, lot.remaining, lot.expired_amount) == (
        LotStatus.EXPIRED,
        Decimal("0.00"),
        Decimal("100.00"),
    )


def test_only_an_expired_lot_has_an_expired_amount_and_never_more_than_was_deposited():
    lot = dec_2021_lot(amount=Decimal("40.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(expired_amount=Decimal("0.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardLot.objects.filter(pk=lot.pk).update(
            status=LotStatus.EXPIRED, remaining=0, expired_amount=Decimal("40.01")
        )
    RewardLot.objects.filter(pk=lot.pk).update(
        status=LotStatus.EXPIRED, remaining=0, expired_amount=Decimal("40.00")
    )


def test_reminder_30_days_before_expiry_is_sent_once_per_lot(django_capture_on_commit_callbacks):
    rewards_account = RewardsAccountFactory()
    MembershipFactory(account=rewards_account.account, role="billing_contact", user__email="bc@client.test")
    soon = dec_2021_lot(rewards_account=rewards_account, remaining=Decimal("17.50"))
    dec_2021_lot(rewards_account=rewards_account, remaining=Decimal("0"), status=LotStatus.EXHAUSTED)
    RewardLotFactory(rewards_account=rewards_account, month_earned=datetime.date(2022, 1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert rewards_remind_expiring(today=datetime.date(2022, 11, 30)) == 0  # 31 days before
    with django_capture_on_commit_callbacks(execute=True):
        assert rewards_remind_expiring(today=datetime.date(2022, 12, 1)) == 1  # 30 days before
    with django_capture_on_commit_callbacks(execute=True):
        assert rewards_remind_expiring(today=datetime.date(2022, 12, 2)) == 0

    assert ExpiryReminder.objects.get().lot == soon
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bc@client.test"]
    assert "$17.50" in mail.outbox[0].subject
    assert rewards_account.code_display in mail.outbox[0].body


def test_daily_task_expires_and_reminds():
    dec_2021_lot()
    result = rewards_expire_daily.delay().get()
    assert result["expired"] == 1
