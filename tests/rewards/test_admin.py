import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ActivityEntry, Sector
from rewards.models import RewardAdjustment, RewardLot, RewardsAccount
from tests.factories import CustomerAccountFactory, staff_sign_in, staff_user
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return staff_sign_in(client, staff_user(superuser=True, support_group=False))


def test_staff_enrolls_an_account_with_its_service_start(staff_client):
    account = CustomerAccountFactory(has_unlimited_license_agreement=True)
    response = staff_client.post(
        reverse("admin:rewards_rewardsaccount_add"),
        {"account": account.pk, "service_start": "2021-12-15", "order_number": "ORD-77"},
    )
    assert response.status_code == 302, response.content
    rewards_account = RewardsAccount.objects.get(account=account)
    assert rewards_account.rate == Decimal("0.330")
    assert rewards_account.service_start == datetime.date(2021, 12, 15)


def test_staff_cannot_enroll_a_us_federal_account(staff_client):
    account = CustomerAccountFactory(sector=Sector.US_FEDERAL)
    response = staff_client.post(
        reverse("admin:rewards_rewardsaccount_add"), {"account": account.pk, "service_start": "2021-12-15"}
    )
    assert response.status_code == 200
    assert not RewardsAccount.objects.exists()


def test_manual_adjustment_is_a_new_row_with_a_reason(staff_client):
    rewards_account = RewardsAccountFactory()
    lot = RewardLotFactory(rewards_account=rewards_account, amount=Decimal("50.00"))
    response = staff_client.post(
        reverse("admin:rewards_rewardadjustment_add"),
        {"rewards_account": rewards_account.pk, "amount": "-20.00", "reason": "Consumption corrected"},
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.remaining == Decimal("30.00")
    assert lot.amount == Decimal("50.00")  # the deposit itself is never edited
    adjustment = RewardAdjustment.objects.get()
    assert (adjustment.amount, adjustment.reason) == (Decimal("-20.00"), "Consumption corrected")
    assert ActivityEntry.objects.filter(action="rewards.adjusted").exists()

    staff_client.post(
        reverse("admin:rewards_rewardadjustment_add"),
        {"rewards_account": rewards_account.pk, "amount": "15.00", "reason": "Goodwill"},
    )
    assert RewardLot.objects.filter(source="adjustment", amount=Decimal("15.00")).exists()


def test_adjustment_without_reason_or_beyond_the_balance_is_refused(staff_client):
    rewards_account = RewardsAccountFactory()
    RewardLotFactory(rewards_account=rewards_account, amount=Decimal("10.00"))
    url = reverse("admin:rewards_rewardadjustment_add")
    assert (
        staff_client.post(
            url, {"rewards_account": rewards_account.pk, "amount": "5", "reason": ""}
        ).status_code
        == 200
    )
    assert (
        staff_client.post(
            url, {"rewards_account": rewards_account.pk, "amount": "-11", "reason": "x"}
        ).status_code
        == 200
    )
    assert not RewardAdjustment.objects.exists()


@pytest.mark.parametrize("model", ["rewardlot", "redemption", "rewardaccrual", "consumptionrecord"])
def test_money_rows_are_read_only_in_the_admin(staff_client, model):
    assert staff_client.get(reverse(f"admin:rewards_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:rewards_{model}_add")).status_code == 403


def test_enrollment_change_page_shows_the_code_read_only(staff_client):
    rewards_account = RewardsAccountFactory()
    response = staff_client.get(reverse("admin:rewards_rewardsaccount_change", args=[rewards_account.pk]))
    assert response.status_code == 200
    assert rewards_account.code.encode() in response.content
    assert b'name="code"' not in response.content


def test_a_new_code_replaces_the_old_one_and_is_emailed(staff_client, django_capture_on_commit_callbacks):
    from django.core import mail

    from rewards.exceptions import RewardsCodeUnknown
    from rewards.services import rewards_preview
    from tests.factories import MembershipFactory
    from tests.rewards.factories import support_invoice

    rewards_account = RewardsAccountFactory()
    RewardLotFactory(rewards_account=rewards_account)
    contact = MembershipFactory(account=rewards_account.account, role="billing_contact").user
    old_code = rewards_account.code
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:rewards_rewardsaccount_changelist"),
            {"action": "issue_new_code", "_selected_action": [rewards_account.pk]},
        )
    assert response.status_code == 302
    rewards_account.refresh_from_db()
    assert rewards_account.code != old_code
    invoice = support_invoice(rewards_account.account)
    with pytest.raises(RewardsCodeUnknown):
        rewards_preview(user=contact, account=rewards_account.account, invoice=invoice, code=old_code)
    assert rewards_preview(
        user=contact, account=rewards_account.account, invoice=invoice, code=rewards_account.code
    )
    assert len(mail.outbox) == 1
    assert rewards_account.code_display in mail.outbox[0].body
    assert mail.outbox[0].to == [contact.email]


def test_enrollment_list_shows_the_available_balance(staff_client):
    rewards_account = RewardsAccountFactory()
    RewardLotFactory(rewards_account=rewards_account, amount=Decimal("42.00"))
    response = staff_client.get(reverse("admin:rewards_rewardsaccount_changelist"))
    assert response.status_code == 200
    assert b"42.00" in response.content
