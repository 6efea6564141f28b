"""The payments ledger: money in (Payment), where it went (Allocation), money left over (AccountCredit), money back (Refund).

Nothing here is deleted or edited to fix a balance: a reversal is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
                fields=["provider", "idempotency_key"], name="payment_idempotency_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"


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
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True) | Q(amount__lt=0, reverses__isnull=False),
                name="allocation_negative_only_as_reversal",
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
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="account_credit_never_negative"),
            models.CheckConstraint(condition=~Q(amount=0), name="account_credit_amount_not_zero"),
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
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            # One refund in flight per account and currency: a second request waits for staff.
            models.UniqueConstraint(
                fields=["account", "currency"],
                condition=Q(status__in=["requested", "approved"]),
                name="refund_one_open_per_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"


class RemittanceMethod(models.TextChoices):
    """How a customer pays outside the portal, with the remittance instructions printed on the invoice."""

    BANK_TRANSFER = PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label
    ACH_CREDIT = PaymentMethod.ACH_CREDIT.value, PaymentMethod.ACH_CREDIT.label
    CHEQUE = PaymentMethod.CHEQUE.value, PaymentMethod.CHEQUE.label


class RemittanceAdvice(models.Model):
    """The customer's word that they sent money for one invoice; staff reconcile it when the money arrives."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        RECONCILED = "reconciled", _("Received")

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="remittance_advices")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="remittance_advices")
    method = models.CharField(_("method"), max_length=20, choices=RemittanceMethod.choices)
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    customer_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remittance_advices",
        verbose_name=_("reconciled by payment"),
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remittance advice")
        verbose_name_plural = _("remittance advices")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="remittance_advice_amount_positive"),
            # A double submit of the same advice records it once.
            models.UniqueConstraint(
                fields=["invoice", "method", "paid_on", "amount", "customer_reference"],
                name="remittance_advice_once",
            ),
            models.CheckConstraint(
                condition=Q(status="announced", payment__isnull=True)
                | Q(status="reconciled", payment__isnull=False),
                name="remittance_advice_reconciled_has_payment",
            ),
        ]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.amount} {self.currency} ({self.get_status_display()})"


# --- online payments (card, PayPal, direct debit), webhooks, automatic payment ---------------------------


class CountryPaymentOptions(models.Model):
    """Which online methods a country allows (local rules vary); staff edit it in the admin.

    A country without a row has no online payment: bank transfer, ACH credit and cheque remain.
    """

    country = models.CharField(_("country"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2."))
    online_payment = models.BooleanField(_("online payment available"), default=True)
    card = models.BooleanField(_("card"), default=True)
    paypal = models.BooleanField(_("PayPal"), default=True)
    sepa_debit = models.BooleanField(_("SEPA direct debit"), default=False)
    ach_debit = models.BooleanField(_("ACH direct debit"), default=False)

    class Meta:
        verbose_name = _("country payment options")
        verbose_name_plural = _("country payment options")
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="country_options_iso")
        ]

    def __str__(self) -> str:
        return self.country


class CardLimit(models.Model):
    """Card thresholds per currency, configured by staff (never converted on the fly).

    `max_amount` is the 100 000 USD card ceiling per payment and `card_only_below` the 2 000 USD
    line under which a card is the only method, each as its configured equivalent in `currency`.
    A currency without a row is not offered the card.
    """

    currency = models.CharField(_("currency"), max_length=3, unique=True)
    max_amount = models.DecimalField(_("card limit per payment"), **MONEY)
    card_only_below = models.DecimalField(_("card is the only method below"), **MONEY)

    class Meta:
        verbose_name = _("card limit")
        verbose_name_plural = _("card limits")
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="card_limit_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gt=F("card_only_below")), name="card_limit_above_card_only"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency}: {self.max_amount}"


class WebhookEvent(models.Model):
    """A provider event, stored once (unique provider + event id) after its signature was verified."""

    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"


class ProviderCustomer(models.Model):
    """The provider's customer object of an account (Stripe `cus_...`), created once."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=20, choices=PaymentProvider.choices)
    customer_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "provider"], name="provider_customer_once"),
        ]

    def __str__(self) -> str:
        return self.customer_id


class SavedPaymentMethod(models.Model):
    """A card or debit mandate saved at the provider (SetupIntent), used by automatic payment."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="saved_methods")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    provider = models.CharField(
        max_length=20, choices=PaymentProvider.choices, default=PaymentProvider.STRIPE
    )
    provider_customer_id = models.CharField(max_length=255)
    provider_method_id = models.CharField(max_length=255)
    label = models.CharField(_("label"), max_length=100, help_text=_("Brand and last digits."))
    mandate_reference = models.CharField(_("mandate reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved payment method")
        verbose_name_plural = _("saved payment methods")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_method_id"], name="saved_method_once"),
        ]

    def __str__(self) -> str:
        return self.label


class AutoPay(models.Model):
    """Automatic payment of an account: each invoice is debited on its due date with the saved method."""

    account = models.OneToOneField(CustomerAccount, on_delete=models.PROTECT, related_name="autopay")
    saved_method = models.ForeignKey(SavedPaymentMethod, on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(_("automatic payment on"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("automatic payment")
        verbose_name_plural = _("automatic payments")

    def __str__(self) -> str:
        return f"{self.account} ({'on' if self.enabled else 'off'})"


class AutoPayRun(models.Model):
    """One automatic debit attempt per invoice and due date: the unique row makes the daily job run once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("automatic payment run")
        verbose_name_plural = _("automatic payment runs")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "due_date"], name="autopay_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.due_date}"
