import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError

from accounts.models import ActivityEntry, Sector
from notifications.models import OutboxEmail
from rewards.eligibility import deposit_date, expiry_date
from rewards.exceptions import RewardsNotEligible
from rewards.models import Offering, RewardAccrual, RewardLot
from rewards.services import rewards_accrue_month, rewards_enroll
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.rewards.factories import ConsumptionFactory, RewardsAccountFactory

pytestmark = pytest.mark.django_db
DEC_2021 = datetime.date(2021, 12, 1)
TODAY = datetime.date(2022, 1, 3)


def accrue(month=DEC_2021, **kwargs):
    return rewards_accrue_month(month=month, today=TODAY, **kwargs)


def test_100_usd_of_eligible_consumption_earns_25_usd():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("100.00"))
    accrue()
    lot = RewardLot.objects.get(rewards_account=rewards_account)
    assert (lot.amount, lot.remaining, lot.rate) == (Decimal("25.00"), Decimal("25.00"), Decimal("0.250"))


def test_100_usd_under_an_unlimited_license_agreement_earns_33_usd():
    rewards_account = RewardsAccountFactory(
        account=CustomerAccountFactory(has_unlimited_license_agreement=True)
    )
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("100.00"))
    accrue()
    assert RewardLot.objects.get(rewards_account=rewards_account).amount == Decimal("33.00")


def test_rate_follows_the_ula_in_force_at_month_end():
    rewards_account = RewardsAccountFactory()
    account = rewards_account.account
    account.has_unlimited_license_agreement = True
    account.save()
    ConsumptionFactory(account=account, amount=Decimal("100.00"))
    accrue()
    rewards_account.refresh_from_db()
    assert rewards_account.rate == Decimal("0.330")
    assert RewardLot.objects.get().amount == Decimal("33.00")


def test_consumption_is_unit_net_price_times_usage_and_rounded_to_the_cent(tmp_path):
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("10.01"))  # 2.5025 → 2.50
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("0.02"))  # total 10.03 × 25 % = 2.5075
    accrue()
    assert RewardLot.objects.get().amount == Decimal("2.51")


def test_deposited_at_the_end_of_december_2021_expires_at_the_end_of_december_2022():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account)
    accrue()
    lot = RewardLot.objects.get()
    assert lot.month_earned == datetime.date(2021, 12, 1)
    assert lot.deposited_on == datetime.date(2021, 12, 31)
    assert lot.expires_on == datetime.date(2022, 12, 31)
    assert expiry_date(datetime.date(2024, 1, 1)) == datetime.date(2025, 1, 31)
    assert expiry_date(datetime.date(2023, 2, 1)) == datetime.date(2024, 2, 29)
    assert deposit_date(datetime.date(2024, 2, 1)) == datetime.date(2024, 2, 29)


def test_running_the_month_end_job_twice_deposits_once():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account)
    first = accrue()
    second = accrue()
    assert (first.lots_deposited, second.lots_deposited) == (1, 0)
    assert RewardLot.objects.count() == 1
    assert RewardAccrual.objects.count() == 1


def test_one_accrual_per_account_and_month_is_a_database_constraint():
    rewards_account = RewardsAccountFactory()
    RewardAccrual.objects.create(
        rewards_account=rewards_account,
        month=DEC_2021,
        eligible_consumption=0,
        rate=Decimal("0.25"),
        amount=0,
    )
    with pytest.raises(IntegrityError):
        RewardAccrual.objects.create(
            rewards_account=rewards_account,
            month=DEC_2021,
            eligible_consumption=0,
            rate=Decimal("0.25"),
            amount=0,
        )


def test_one_lot_per_cloud_subscription_keeps_the_subscription_it_came_from():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-A", amount=Decimal("100"))
    ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-B", amount=Decimal("200"))
    accrue()
    lots = {lot.subscription_number: lot.amount for lot in RewardLot.objects.all()}
    assert lots == {"SUB-A": Decimal("25.00"), "SUB-B": Decimal("50.00")}
    assert RewardAccrual.objects.get().amount == Decimal("75.00")


def test_third_party_offers_and_cloud_applications_earn_nothing():
    rewards_account = RewardsAccountFactory()
    account = rewards_account.account
    ConsumptionFactory(account=account, amount=Decimal("100"))
    ConsumptionFactory(
        account=account, offering=Offering.THIRD_PARTY, is_eligible=False, amount=Decimal("1000")
    )
    ConsumptionFactory(
        account=account, offering=Offering.MARKETPLACE, is_eligible=False, amount=Decimal("1000")
    )
    ConsumptionFactory(
        account=account, offering=Offering.CLOUD_APPLICATION, service="Fusion Cloud ERP", is_eligible=False
    )
    accrue()
    assert RewardLot.objects.get().amount == Decimal("25.00")


def test_overage_counts_like_normal_consumption():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("100"))
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("100"), is_overage=True)
    accrue()
    assert RewardLot.objects.get().amount == Decimal("50.00")


def test_nothing_is_earned_before_the_service_period_of_the_new_order_starts():
    rewards_account = RewardsAccountFactory(service_start=datetime.date(2021, 12, 15))
    account = rewards_account.account
    ConsumptionFactory(account=account, period_start=DEC_2021, period_end=datetime.date(2021, 12, 14))
    ConsumptionFactory(
        account=account, period_start=datetime.date(2021, 12, 15), period_end=datetime.date(2021, 12, 31)
    )
    ConsumptionFactory(account=account, month=datetime.date(2021, 11, 1), amount=Decimal("400"))
    accrue(month=datetime.date(2021, 11, 1))
    accrue()
    assert list(RewardLot.objects.values_list("month_earned", "amount")) == [(DEC_2021, Decimal("25.00"))]


def test_there_is_no_cap_on_what_can_accumulate():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("40000000.00"))
    accrue()
    assert RewardLot.objects.get().amount == Decimal("10000000.00")


def test_a_month_not_over_is_not_accrued():
    RewardsAccountFactory()
    with pytest.raises(ValueError):
        rewards_accrue_month(month=datetime.date(2022, 1, 1), today=datetime.date(2022, 1, 31))


@pytest.mark.parametrize(
    "attributes",
    [{"is_pay_as_you_go": True}, {"country": "CN", "currency": "CNY"}, {"sector": Sector.US_FEDERAL}],
    ids=["pay-as-you-go", "china", "us-federal"],
)
def test_excluded_customers_cannot_be_enrolled_nor_earn(attributes):
    account = CustomerAccountFactory(**attributes)
    with pytest.raises(RewardsNotEligible):
        rewards_enroll(account=account, service_start=DEC_2021)
    # enrolled before becoming excluded: earns nothing from then on
    rewards_account = RewardsAccountFactory(account=CustomerAccountFactory())
    rewards_account.account.__dict__.update(attributes)
    rewards_account.account.save()
    ConsumptionFactory(account=rewards_account.account, currency=rewards_account.currency)
    accrue()
    assert not RewardLot.objects.exists()


def test_enrollment_sets_the_rate_and_a_code_and_records_activity():
    account = CustomerAccountFactory(has_unlimited_license_agreement=True)
    rewards_account = rewards_enroll(account=account, service_start=DEC_2021, order_number="ORD-1")
    assert rewards_account.rate == Decimal("0.33")
    assert len(rewards_account.code) == 16
    assert ActivityEntry.objects.filter(account=account, action="rewards.enrolled").exists()


def test_billing_contact_gets_one_email_with_the_amount_and_the_code_in_the_account_language(
    django_capture_on_commit_callbacks,
):
    account = CustomerAccountFactory(language="fr", currency="EUR", country="FR")
    MembershipFactory(account=account, role="billing_contact", user__email="compta@client.test")
    rewards_account = RewardsAccountFactory(account=account)
    ConsumptionFactory(account=account, amount=Decimal("100"))
    with django_capture_on_commit_callbacks(execute=True):
        accrue()
    with django_capture_on_commit_callbacks(execute=True):
        accrue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["compta@client.test"]
    assert "25,00\xa0€" in message.subject
    assert rewards_account.code_display in message.body
    assert "Récompenses Support" in message.body  # written in the account's language
    assert OutboxEmail.objects.filter(kind="rewards.deposit", status="sent").count() == 1
    assert ActivityEntry.objects.filter(account=account, action="rewards.deposited").count() == 1


def test_a_retried_email_task_does_not_send_twice(django_capture_on_commit_callbacks):
    from notifications.tasks import outbox_send

    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account)
    with django_capture_on_commit_callbacks(execute=True):
        accrue()
    accrual = RewardAccrual.objects.get()
    email = OutboxEmail.objects.get(dedupe_key=f"rewards-deposit:{accrual.pk}")
    assert outbox_send.delay(email.pk).get() == "skipped"
    assert len(mail.outbox) == 1


def _accrual_queries(accounts: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(accounts):
        rewards_account = RewardsAccountFactory()
        ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-1")
        ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-2")
    with CaptureQueriesContext(connection) as captured:
        report = accrue(notify=True)
    total = RewardLot.objects.values("rewards_account").distinct().count()  # this call's and earlier ones'
    assert (report.accounts_accrued, report.lots_deposited) == (total, 2 * total)
    assert total >= accounts
    RewardLot.objects.all().delete()
    ActivityEntry.objects.filter(action="rewards.deposited").delete()
    OutboxEmail.objects.all().delete()
    RewardAccrual.objects.all().delete()
    return len(captured)


def test_accrual_takes_the_same_number_of_statements_for_2_accounts_as_for_12():
    _accrual_queries(1)  # warms the content-type cache the outbox uses
    assert _accrual_queries(2) == _accrual_queries(12)


def test_the_deposit_activity_entry_lists_the_accrual_its_lots_and_the_rate():
    rewards_account = RewardsAccountFactory()
    ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-1", amount=Decimal("100.00"))
    ConsumptionFactory(account=rewards_account.account, subscription_number="SUB-2", amount=Decimal("40.02"))
    accrue()
    accrual = RewardAccrual.objects.get()
    entry = ActivityEntry.objects.get(action="rewards.deposited")
    lots = list(RewardLot.objects.order_by("pk").values_list("pk", flat=True))
    assert entry.account == rewards_account.account
    assert entry.params == {"amount": "35.01", "currency": "USD", "month": "2021-12"}
    assert entry.details == {"accrual": accrual.pk, "lots": lots, "rate": "0.25"}
    assert (accrual.amount, accrual.eligible_consumption) == (Decimal("35.01"), Decimal("140.02"))
