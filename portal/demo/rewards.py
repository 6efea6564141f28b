"""Demo Support Rewards: Acme (ULA, 33 %) with a year of lots, one expired and one redemption; Lumière at 25 %."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.utils import timezone

from accounts.models import CustomerAccount, User
from rewards.eligibility import add_months, month_end, month_start
from rewards.exceptions import RewardsError
from rewards.models import ConsumptionRecord, Offering, Redemption, RewardsAccount
from rewards.selectors import rewards_applicable_amount
from rewards.services import rewards_accrue_month, rewards_enroll, rewards_expire_due, rewards_redeem

D = Decimal
DEMO_CODES = {"C-100200": "ACMEDEMO2026CODE", "C-300400": "LUMIEREDEMO2026X"}

# (subscription, service, offering, monthly quantity, unit net price)
USAGE = {
    "C-100200": [
        ("SUB-AC-1001", "OCI Compute — Standard E5 OCPU hours", Offering.OCI, D("20000"), D("0.40")),
        ("SUB-AC-1001", "OCI Object Storage — GB months", Offering.OCI, D("60000"), D("0.0255")),
        ("SUB-AC-1002", "Autonomous Database — ECPU hours", Offering.OCI, D("9000"), D("0.336")),
        ("SUB-AC-1002", "Oracle Cloud VMware Solution", Offering.THIRD_PARTY, D("730"), D("2.50")),
    ],
    "C-300400": [
        ("SUB-LU-2001", "OCI Compute — Ampere A1 OCPU hours", Offering.OCI, D("30000"), D("0.01")),
        ("SUB-LU-2001", "Fusion Cloud ERP", Offering.CLOUD_APPLICATION, D("1"), D("4000")),
    ],
}


def _enroll(account: CustomerAccount, months_back: int) -> RewardsAccount:
    existing = RewardsAccount.objects.filter(account=account).first()
    if existing:
        return existing
    start = add_months(month_start(timezone.localdate()), -months_back)
    rewards_account = rewards_enroll(account=account, service_start=start, order_number="ORD-DEMO-UC")
    # A fixed code, so that the demo can be followed from the README without reading emails.
    RewardsAccount.objects.filter(pk=rewards_account.pk).update(code=DEMO_CODES[account.customer_number])
    return rewards_account


def _consumption(account: CustomerAccount, months_back: int) -> None:
    this_month = month_start(timezone.localdate())
    for offset in range(months_back, 0, -1):
        month = add_months(this_month, -offset)
        for subscription, service, offering, quantity, price in USAGE[account.customer_number]:
            ConsumptionRecord.objects.get_or_create(
                account=account,
                subscription_number=subscription,
                service=service,
                period_start=month,
                defaults={
                    "offering": offering,
                    "month": month,
                    "period_end": month_end(month),
                    "quantity": quantity,
                    "unit_net_price": price,
                    "amount": (quantity * price).quantize(D("0.01")),
                    "currency": account.currency,
                    "is_eligible": offering == Offering.OCI,
                },
            )


def seed(context: dict) -> None:
    acme, lumiere = context["accounts"]["acme"], context["accounts"]["lumiere"]
    this_month = month_start(timezone.localdate())
    for account, months_back in ((acme, 14), (lumiere, 6)):
        rewards_account = _enroll(account, months_back)
        _consumption(account, months_back)
        for offset in range(months_back, 0, -1):
            rewards_accrue_month(
                month=add_months(this_month, -offset), rewards_account_ids=[rewards_account.pk], notify=False
            )
    rewards_expire_due()
    acme_rewards = RewardsAccount.objects.get(account=acme)
    if not Redemption.objects.filter(lot__rewards_account=acme_rewards).exists():
        invoice = acme.invoices.filter(number="INV-US-1001").first()
        payer = User.objects.filter(email="ap@acme.example").first()
        applicable = rewards_applicable_amount(invoice=invoice) if invoice is not None else D("0")
        if payer is not None and applicable > 0:
            # Skipped quietly if another app's demo left, e.g., a debit processing on that invoice.
            with contextlib.suppress(RewardsError):
                rewards_redeem(
                    user=payer,
                    account=acme,
                    invoice=invoice,
                    code=acme_rewards.code,
                    amount=min(D("2500.00"), applicable),
                    idempotency_key="demo-acme-1001",
                )
