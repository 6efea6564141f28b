"""The payments ledger: money in (Payment), where it went (Allocation), money left over (AccountCredit),
money back (Refund).

Nothing here is deleted or edited to fix a balance: a reversal is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import CustomerAccount
from invoices.models import MONEY, Invoice


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    PAYPAL = "paypal", _("PayPal")
    SEPA_DEBIT = "sepa_debit", _("SEPA direct debit")
    ACH_DEBIT = "ach_debit", _("ACH direct debit")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ACH_CREDIT = "ach_credit", _("ACH credit transfer")
    CHEQUE = "cheque", _("Cheque")
    REWARDS = "rewards", _("Support Rewards")
    ACCOUNT_CREDIT = "account_credit", _("Account credit")


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    PAYPAL = "paypal", "PayPal"
    OFFLINE = "offline", _("Offline (bank, cheque)")
    REWARDS = "rewards", _("Support Rewards")
    INTERNAL = "internal", _("Internal (account credit)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")


# The only status moves allowed; every move is recorded as a PaymentEvent.
PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.PENDING: {PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED, PaymentStatus.FAILED},
    PaymentStatus.PROCESSING: {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED},
    PaymentStatus.SUCCEEDED: {
        PaymentStatus.FAILED,
        PaymentStatus.REFUNDED,
    },  # a debit can bounce after success
    PaymentStatus.FAILED: set(),
    PaymentStatus.REFUNDED: set(),
}


class Payment(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, help_text=_("Sent to the provider; unique per provider.")
    )
    reference = models.CharField(
        _("reference"), max_length=32, unique=True, help_text=_("Shown to the customer.")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_message = models.CharField(_("failure reason"), max_length=500, blank=True)
    # A failed payment the payer gave up themselves (cancelled at PayPal): shown as "Cancelled", not
    # "Failed"; for the ledger it is a failed payment all the same (its hold is released the same way).
    cancelled_by_payer = models.BooleanField(_("cancelled by the payer"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # Invoices and amounts the payer chose, kept until the money is confirmed and allocated.
    intended_allocations = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "idempotency_key"],
                name="payment_idempotency_unique",
                violation_error_message=_("This payment was already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The payment amount must be more than zero."),
            ),
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == PaymentStatus.FAILED and self.cancelled_by_payer

    @property
    def status_badge(self) -> str:
        """The status as the badge shows it: a payment the payer cancelled reads "cancelled"."""
        return "cancelled" if self.is_cancelled else str(self.status)

    @property
    def status_label(self) -> str:
        return pgettext("payment", "Cancelled") if self.is_cancelled else str(self.get_status_display())


class PaymentEvent(models.Model):
    """Audit row of every status move of a payment."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Allocation(models.Model):
    """Part of a payment applied to one invoice. A negative amount reverses an earlier allocation."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="allocation_amount_not_zero",
                violation_error_message=_("An allocation cannot be zero."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True) | Q(amount__lt=0, reverses__isnull=False),
                name="allocation_negative_only_as_reversal",
                violation_error_message=_("Only a reversal can take an amount back from an invoice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment.reference} → {self.invoice.number}: {self.amount}"


class AccountCredit(models.Model):
    """Movements of unapplied money on an account, per currency. The balance is their sum and never negative."""

    class Kind(models.TextChoices):
        OVERPAYMENT = "overpayment", _("Overpayment")
        APPLIED = "applied", _("Applied to an invoice")
        REFUND = "refund", _("Refunded")
        DISPUTE = "dispute", _("Paid amount of a cancelled invoice")
        ADJUSTMENT = "adjustment", _("Adjustment")

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="credit_movements")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(_("amount"), **MONEY, help_text=_("Positive adds credit, negative uses it."))
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("account credit movement")
        verbose_name_plural = _("account credit")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0),
                name="account_credit_never_negative",
                violation_error_message=_("The account credit cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="account_credit_amount_not_zero",
                violation_error_message=_("A credit entry cannot be zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.currency}"


class Refund(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")
        REJECTED = "rejected", _("Rejected")

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    provider_reference = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="refund_amount_positive",
                violation_error_message=_("The refund amount must be more than zero."),
            ),
            # One refund in flight per account and currency: a second request waits for staff.
            models.UniqueConstraint(
                fields=["account", "currency"],
                condition=Q(status__in=["requested", "approved"]),
                name="refund_one_open_per_currency",
                violation_error_message=_("This account already has an open refund in this currency."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"
