import pytest

from rewards.models import LotStatus, Redemption, RewardLot

pytestmark = pytest.mark.django_db


def test_demo_data_seeds_twice_without_duplicates(django_capture_on_commit_callbacks):
    from accounts.services import billing_support_group_ensure
    from portal.demo import invoices as invoices_demo
    from portal.demo import rewards as demo
    from portal.demo import seed_accounts, seed_users

    billing_support_group_ensure()
    accounts = seed_accounts()
    seed_users(accounts)
    invoices_demo.seed({"accounts": accounts})
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed({"accounts": accounts})
    counts = (RewardLot.objects.count(), Redemption.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed({"accounts": accounts})
    assert (RewardLot.objects.count(), Redemption.objects.count()) == counts
    assert RewardLot.objects.filter(status=LotStatus.EXPIRED).exists()
    assert Redemption.objects.filter(invoice__number="INV-US-1001").exists()
