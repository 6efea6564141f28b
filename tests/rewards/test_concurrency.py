"""50 parallel redemptions of the same lots on the same invoice, each thread with its own PostgreSQL connection."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.db.models import Sum

from accounts.models import CustomerAccount, User
from invoices.models import Invoice
from payments.models import AccountCredit, Payment
from rewards.exceptions import RewardsError
from rewards.models import Redemption, RewardLot
from rewards.services import rewards_redeem
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

# One group: under `-n 2 --dist loadgroup` the two tests never hold 2 × 50 connections at once.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("rewards-concurrency")]
THREADS = 50
D = Decimal


def load_with_retry(user_id, account_id, invoice_id):
    """Open this thread's connection; on a busy shared server, wait for a free slot rather than fail."""
    for _ in range(40):
        try:
            return (
                User.objects.get(pk=user_id),
                CustomerAccount.objects.get(pk=account_id),
                Invoice.objects.get(pk=invoice_id),
            )
        except OperationalError:
            connection.close()
            time.sleep(0.25)
    raise RuntimeError("no free database connection")


def run_in_parallel(*, user_id, account_id, invoice_id, code, amount):
    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def worker(index):
        try:
            user, account, invoice = load_with_retry(user_id, account_id, invoice_id)
            barrier.wait(timeout=60)
            try:
                payment = rewards_redeem(
                    user=user,
                    account=account,
                    invoice=invoice,
                    code=code,
                    amount=amount,
                    idempotency_key=f"t{index}",
                )
                result = ("ok", payment.amount)
            except RewardsError as error:
                result = ("refused", type(error).__name__)
        except Exception as error:  # noqa: BLE001 — surfaced by the assertion below
            result = ("crash", repr(error))
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == THREADS
    assert not [o for o in outcomes if o[0] == "crash"], outcomes
    return outcomes


def check_invariants(invoice, redeemed_expected):
    invoice.refresh_from_db()
    assert not RewardLot.objects.filter(remaining__lt=0).exists()
    assert invoice.amount_due >= 0
    redeemed = Redemption.objects.aggregate(total=Sum("amount"))["total"] or D("0")
    assert redeemed == redeemed_expected
    assert Payment.objects.aggregate(total=Sum("amount"))["total"] == redeemed_expected
    assert invoice.amount_due == invoice.total - redeemed_expected
    assert not AccountCredit.objects.exists()


def test_fifty_parallel_redemptions_never_spend_more_than_the_lots_hold(billing_contact, account):
    rewards_account = RewardsAccountFactory(account=account)
    for amount in ("100.00", "50.00", "30.00"):  # 180.00 in all
        RewardLotFactory(rewards_account=rewards_account, amount=D(amount))
    invoice = support_invoice(account)  # rewards may pay 1 000.00
    outcomes = run_in_parallel(
        user_id=billing_contact.pk,
        account_id=account.pk,
        invoice_id=invoice.pk,
        code=rewards_account.code,
        amount="7.00",
    )
    assert sum(1 for o in outcomes if o[0] == "ok") == 25  # 25 × 7.00 = 175.00 ≤ 180.00
    check_invariants(invoice, D("175.00"))
    assert RewardLot.objects.aggregate(left=Sum("remaining"))["left"] == D("5.00")


def test_fifty_parallel_redemptions_never_pay_more_than_the_invoice_allows(billing_contact, account):
    rewards_account = RewardsAccountFactory(account=account)
    RewardLotFactory(rewards_account=rewards_account, amount=D("500.00"))
    RewardLotFactory(rewards_account=rewards_account, amount=D("500.00"))
    invoice = support_invoice(
        account,
        lines=[("Database Enterprise Edition — Software Update License & Support", D("100.00"), True)],
    )
    outcomes = run_in_parallel(
        user_id=billing_contact.pk,
        account_id=account.pk,
        invoice_id=invoice.pk,
        code=rewards_account.code,
        amount=None,
    )
    assert (
        sum(1 for o in outcomes if o[0] == "ok") == 1
    )  # the first takes all 100.00, the rest find nothing to pay
    check_invariants(invoice, D("100.00"))
