"""The rewards email task family through a real Celery worker on the machine's Redis."""

import datetime
import time
from decimal import Decimal

import pytest

from notifications.models import OutboxEmail
from rewards.services import rewards_accrue_month
from tests.factories import MembershipFactory
from tests.rewards.factories import ConsumptionFactory, RewardsAccountFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_deposit_email_goes_out_through_the_worker_once(celery_worker):
    rewards_account = RewardsAccountFactory()
    MembershipFactory(
        account=rewards_account.account, role="billing_contact", user__email="bc-worker@client.test"
    )
    ConsumptionFactory(account=rewards_account.account, amount=Decimal("100.00"))
    rewards_accrue_month(month=datetime.date(2021, 12, 1), today=datetime.date(2022, 1, 3))
    mail_dir = celery_worker["mail_dir"]
    assert wait_for(lambda: OutboxEmail.objects.filter(kind="rewards.deposit", status="sent").exists())
    sent = [p.read_text() for p in mail_dir.glob("*.log") if "bc-worker@client.test" in p.read_text()]
    assert len(sent) == 1
    assert "$25.00" in sent[0]
    assert rewards_account.code_display in sent[0]
