"""Rewards emails to the billing contact, in the account's language, each an outbox row sent once.

Recorded in the transaction that deposits, redeems, reminds or rotates the code; rendered by the
builder below when a worker sends it (notifications/services.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import ActivityEntry, CustomerAccount
from accounts.selectors import billing_contact_emails
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue
from payments.models import Payment
from rewards.models import ExpiryReminder, RewardAccrual
from rewards.selectors import redeemed_on_invoice, rewards_account_of, rewards_balance


class RewardsEmailKind(models.TextChoices):
    DEPOSIT = "rewards.deposit", gettext_lazy("Rewards deposited")  # object: the RewardAccrual
    REDEMPTION = "rewards.redemption", gettext_lazy("Redemption confirmation")  # the rewards Payment
    EXPIRY_REMINDER = "rewards.expiry_reminder", gettext_lazy("Expiry reminder")  # the ExpiryReminder
    NEW_CODE = "rewards.new_code", gettext_lazy("New redemption code")  # the ActivityEntry of the rotation


def _target(kind: str, object_id: int) -> tuple[models.Model, CustomerAccount]:
    """The object the email is about and the account it goes to."""
    if kind == RewardsEmailKind.DEPOSIT:
        accrual = RewardAccrual.objects.select_related("rewards_account__account").get(pk=object_id)
        return accrual, accrual.rewards_account.account
    if kind == RewardsEmailKind.REDEMPTION:
        payment = Payment.objects.select_related("account").get(pk=object_id)
        return payment, payment.account
    if kind == RewardsEmailKind.EXPIRY_REMINDER:
        reminder = ExpiryReminder.objects.select_related("lot__rewards_account__account").get(pk=object_id)
        return reminder, reminder.lot.rewards_account.account
    if kind == RewardsEmailKind.NEW_CODE:
        entry = ActivityEntry.objects.select_related("account").get(pk=object_id)
        if entry.account is None:
            raise ValueError(f"Activity entry {object_id} of a code rotation has no account.")
        return entry, entry.account
    raise ValueError(f"Unknown rewards email kind {kind!r}")


def dedupe_prefix(kind: str) -> str:
    return f"rewards-{RewardsEmailKind(kind).name.lower().replace('_', '-')}"


def email_enqueue(*, kind: str, object_id: int) -> None:
    """Record the email in the caller's transaction (once per kind and object); sent after the commit."""
    target, account = _target(kind, object_id)
    outbox_enqueue(
        kind=kind,
        dedupe_key=f"{dedupe_prefix(kind)}:{object_id}",
        target=target,
        language=account.language,
    )


def _context(kind: str, object_id: int) -> tuple[CustomerAccount, dict] | None:
    site = settings.SITE_URL.rstrip("/")
    if kind == RewardsEmailKind.DEPOSIT:
        accrual = RewardAccrual.objects.select_related("rewards_account__account").get(pk=object_id)
        rewards_account = accrual.rewards_account
        return rewards_account.account, {
            "accrual": accrual,
            "lots": list(accrual.lots.order_by("subscription_number")),
            "rewards_account": rewards_account,
            "balance": rewards_balance(rewards_account=rewards_account),
            "rewards_url": site + reverse("rewards:index"),
        }
    if kind == RewardsEmailKind.REDEMPTION:
        payment = Payment.objects.select_related("account").get(pk=object_id)
        redemption = payment.redemptions.select_related("invoice").first()
        if redemption is None:
            return None
        invoice = redemption.invoice
        invoice.refresh_from_db()
        redeemer = rewards_account_of(account=payment.account)
        return payment.account, {
            "payment": payment,
            "invoice": invoice,
            "redeemed_to_date": redeemed_on_invoice(invoice=invoice),
            "balance": rewards_balance(rewards_account=redeemer) if redeemer else None,
            "rewards_url": site + reverse("rewards:index"),
        }
    if kind == RewardsEmailKind.EXPIRY_REMINDER:
        reminder = ExpiryReminder.objects.select_related("lot__rewards_account__account").get(pk=object_id)
        lot = reminder.lot
        lot.refresh_from_db()
        if lot.remaining <= 0 or lot.status != "available":
            return None  # spent or expired since: nothing to remind
        return lot.rewards_account.account, {
            "lot": lot,
            "rewards_account": lot.rewards_account,
            "rewards_url": site + reverse("rewards:index"),
        }
    if kind == RewardsEmailKind.NEW_CODE:
        entry = ActivityEntry.objects.select_related("account").get(pk=object_id)
        rotated = rewards_account_of(account=entry.account) if entry.account is not None else None
        if entry.account is None or rotated is None:
            return None
        return entry.account, {
            "rewards_account": rotated,
            "balance": rewards_balance(rewards_account=rotated),
            "rewards_url": site + reverse("rewards:index"),
        }
    raise ValueError(f"Unknown rewards email kind {kind!r}")


def rewards_email_build(email: OutboxEmail) -> RenderedEmail | None:
    """The outbox builder of every rewards email; None when there is nothing to say any more."""
    found = _context(email.kind, email.target_id)
    if found is None:
        return None
    account, context = found
    context = {**context, "account": account, "support_email": settings.BILLING_SUPPORT_EMAIL}
    template = f"emails/rewards/{RewardsEmailKind(email.kind).name.lower()}"  # deposit, redemption, …
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    return RenderedEmail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        text=render_to_string(f"{template}.txt", context),
        to=billing_contact_emails(account=account),
    )
