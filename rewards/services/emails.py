"""Rewards emails to the billing contact, in the account's language, sent once each (RewardsEmail row)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ActivityEntry, CustomerAccount
from accounts.selectors import billing_contact_emails
from payments.models import Payment
from rewards.models import ExpiryReminder, RewardAccrual, RewardsEmail


def email_enqueue(*, kind: str, object_id: int) -> None:
    """Send after the rows the email describes are committed."""
    from rewards.tasks import rewards_email_send

    transaction.on_commit(lambda: rewards_email_send.delay(kind, object_id))


def _context(kind: str, object_id: int) -> tuple[CustomerAccount, dict] | None:
    from rewards.selectors import redeemed_on_invoice, rewards_account_of, rewards_balance

    site = settings.SITE_URL.rstrip("/")
    if kind == RewardsEmail.Kind.DEPOSIT:
        accrual = RewardAccrual.objects.select_related("rewards_account__account").get(pk=object_id)
        rewards_account = accrual.rewards_account
        return rewards_account.account, {
            "accrual": accrual,
            "lots": list(accrual.lots.order_by("subscription_number")),
            "rewards_account": rewards_account,
            "balance": rewards_balance(rewards_account=rewards_account),
            "rewards_url": site + reverse("rewards:index"),
        }
    if kind == RewardsEmail.Kind.REDEMPTION:
        payment = Payment.objects.select_related("account").get(pk=object_id)
        redemption = payment.redemptions.select_related("invoice").first()
        if redemption is None:
            return None
        invoice = redemption.invoice
        invoice.refresh_from_db()
        rewards_account = rewards_account_of(account=payment.account)
        return payment.account, {
            "payment": payment,
            "invoice": invoice,
            "redeemed_to_date": redeemed_on_invoice(invoice=invoice),
            "balance": rewards_balance(rewards_account=rewards_account) if rewards_account else None,
            "rewards_url": site + reverse("rewards:index"),
        }
    if kind == RewardsEmail.Kind.EXPIRY_REMINDER:
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
    if kind == RewardsEmail.Kind.NEW_CODE:
        entry = ActivityEntry.objects.select_related("account").get(pk=object_id)
        rewards_account = rewards_account_of(account=entry.account)
        if rewards_account is None:
            return None
        return entry.account, {
            "rewards_account": rewards_account,
            "balance": rewards_balance(rewards_account=rewards_account),
            "rewards_url": site + reverse("rewards:index"),
        }
    raise ValueError(f"Unknown rewards email kind {kind!r}")


def rewards_email_deliver(*, kind: str, object_id: int) -> bool:
    """Send one rewards email unless it was already sent. Returns True when this call sent it."""
    with transaction.atomic():
        row, _ = RewardsEmail.objects.select_for_update().get_or_create(kind=kind, object_id=object_id)
        if row.sent_at is not None:
            return False
        found = _context(kind, object_id)
        if found is None:
            row.sent_at = timezone.now()
            row.recipients = ""
            row.save(update_fields=["sent_at", "recipients"])
            return False
        account, context = found
        recipients = billing_contact_emails(account=account)
        with translation.override(account.language):
            context = {**context, "account": account, "support_email": settings.BILLING_SUPPORT_EMAIL}
            subject = render_to_string(f"emails/rewards/{kind}_subject.txt", context).strip()
            body = render_to_string(f"emails/rewards/{kind}.txt", context)
        EmailMessage(subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=recipients).send()
        row.sent_at = timezone.now()
        row.recipients = ", ".join(recipients)[:500]
        row.save(update_fields=["sent_at", "recipients"])
        return True
