"""Support Rewards: enrollment, monthly cloud consumption, reward lots and how they are spent or lost.

A lot's `remaining` is a stored balance like Invoice.amount_due: it moves only in the
transaction that adds the row explaining the move (Redemption, RewardAdjustment), or in
the update that expires the lot, which keeps what it lost (`expired_amount`), under a row
lock, and CHECK constraints keep it within 0..amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from invoices.models import MONEY, DecimalPrecision, Invoice
from payments.models import Payment

RATE: DecimalPrecision = {"max_digits": 4, "decimal_places": 3}
QUANTITY: DecimalPrecision = {"max_digits": 20, "decimal_places": 6}


class RewardsAccount(models.Model):
    """Enrollment of a customer account in Support Rewards, made by staff with the order that brings it."""

    account = models.OneToOneField(
        CustomerAccount, on_delete=models.PROTECT, related_name="rewards_account", verbose_name=_("account")
    )
    rate = models.DecimalField(
        _("earning rate"),
        **RATE,
        help_text=_("0.330 with an active ULA, else 0.250; refreshed at each accrual."),
    )
    currency = models.CharField(_("currency"), max_length=3)
    service_start = models.DateField(
        _("service period start"),
        help_text=_("First day the enrolling order's service period is active: nothing is earned before it."),
    )
    order_number = models.CharField(_("enrolling order"), max_length=40, blank=True)
    # One code per rewards account: it unlocks the whole balance, spent earliest expiry first,
    # across every subscription. Stored normalised (upper case, no separators).
    code = models.CharField(_("redemption code"), max_length=32, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("rewards enrollment")
        verbose_name_plural = _("rewards enrollments")
        ordering = ["account__legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__in=[Decimal("0.25"), Decimal("0.33")]),
                name="rewards_rate_known",
                violation_error_message=_("The rewards rate must be 0.25 or 0.33."),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]{12,32}$"),
                name="rewards_code_normalised",
                violation_error_message=_("The rewards code must be 12 to 32 capital letters or digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} — {self.rate:.0%}"

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class Offering(models.TextChoices):
    OCI = "oci", _("Oracle Cloud Infrastructure service")
    THIRD_PARTY = "third_party", _("Third-party offer (VMware, Microsoft…)")
    MARKETPLACE = "marketplace", _("Cloud Marketplace offer")
    CLOUD_APPLICATION = "cloud_application", _("Cloud application (SaaS, e.g. Fusion ERP)")


class ConsumptionRecord(models.Model):
    """Usage of one service on one cloud subscription over (part of) a month: unit net price × actual usage."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="consumption")
    subscription_number = models.CharField(_("cloud subscription"), max_length=40)
    service = models.CharField(_("service"), max_length=200)
    offering = models.CharField(_("offering"), max_length=20, choices=Offering.choices, default=Offering.OCI)
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    period_start = models.DateField(_("usage from"))
    period_end = models.DateField(_("usage to"))
    quantity = models.DecimalField(_("actual usage"), **QUANTITY)
    unit_net_price = models.DecimalField(_("unit net price"), **QUANTITY)
    amount = models.DecimalField(_("consumption"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    is_overage = models.BooleanField(_("overage"), default=False)
    is_eligible = models.BooleanField(_("earns rewards"))
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consumption record")
        verbose_name_plural = _("consumption records")
        ordering = ["-month", "subscription_number", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "subscription_number", "service", "period_start"],
                name="consumption_natural_key",
                violation_error_message=_("This consumption was already recorded for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="consumption_period_ordered",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="consumption_amount_not_negative",
                violation_error_message=_("The consumption amount cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["month", "account"])]

    def __str__(self) -> str:
        return f"{self.subscription_number} {self.service} {self.month:%Y-%m}: {self.amount} {self.currency}"


class RewardAccrual(models.Model):
    """The month-end run for one rewards account: the unique row that makes the job run once per month."""

    rewards_account = models.ForeignKey(RewardsAccount, on_delete=models.PROTECT, related_name="accruals")
    month = models.DateField(_("month earned"), help_text=_("First day of the month."))
    eligible_consumption = models.DecimalField(_("eligible consumption"), **MONEY)
    rate = models.DecimalField(_("rate"), **RATE)
    amount = models.DecimalField(_("rewards earned"), **MONEY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly accrual")
        verbose_name_plural = _("monthly accruals")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["rewards_account", "month"],
                name="accrual_once_per_month",
                violation_error_message=_("Rewards were already accrued for this month."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="accrual_amount_not_negative",
                violation_error_message=_("The accrued amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rewards_account.account} {self.month:%Y-%m}: {self.amount}"


class LotStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    EXHAUSTED = "exhausted", _("Used")
    EXPIRED = "expired", _("Expired")


class LotSource(models.TextChoices):
    ACCRUAL = "accrual", _("Monthly accrual")
    ADJUSTMENT = "adjustment", _("Adjustment")


class RewardLot(models.Model):
    """Rewards deposited at the end of a month for one subscription; valid until the end of month + 12."""

    rewards_account = models.ForeignKey(RewardsAccount, on_delete=models.PROTECT, related_name="lots")
    accrual = models.ForeignKey(
        RewardAccrual, on_delete=models.PROTECT, null=True, blank=True, related_name="lots"
    )
    source = models.CharField(max_length=20, choices=LotSource.choices, default=LotSource.ACCRUAL)
    subscription_number = models.CharField(_("cloud subscription"), max_length=40, blank=True)
    month_earned = models.DateField(_("month earned"))
    deposited_on = models.DateField(_("deposited on"))
    expires_on = models.DateField(_("expires on"), help_text=_("Last day the rewards can be used."))
    rate = models.DecimalField(_("rate"), **RATE, null=True, blank=True)
    consumption = models.DecimalField(_("eligible consumption"), **MONEY, default=Decimal("0.00"))
    amount = models.DecimalField(_("amount"), **MONEY)
    remaining = models.DecimalField(_("remaining"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=LotStatus.choices, default=LotStatus.AVAILABLE
    )
    # What the lot still held when it expired (on expires_on), set by the same update that empties it:
    # the daily job expires lots by the million, and a row of its own per expiry (with its keys checked)
    # cost more than the update itself. Expired rewards are never reactivated: a trigger refuses any change
    # to an expired lot's status, remaining or expired amount, and its deletion (migration 0009).
    expired_amount = models.DecimalField(_("amount expired"), **MONEY, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reward lot")
        verbose_name_plural = _("reward lots")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="lot_amount_positive",
                violation_error_message=_("The deposited amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(remaining__gte=0),
                name="lot_remaining_not_negative",
                violation_error_message=_("The remaining amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(remaining__lte=F("amount")),
                name="lot_remaining_within_amount",
                violation_error_message=_("The remaining amount cannot be more than the deposited amount."),
            ),
            models.CheckConstraint(
                condition=~Q(status="expired") | Q(remaining=0),
                name="lot_expired_has_nothing_left",
                violation_error_message=_("An expired deposit cannot have anything left."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status="expired",
                    expired_amount__isnull=False,
                    expired_amount__gte=0,
                    expired_amount__lte=F("amount"),
                )
                | (~Q(status="expired") & Q(expired_amount__isnull=True)),
                name="lot_expired_amount_when_expired",
                violation_error_message=_(
                    "An expired deposit keeps the amount it lost; only an expired deposit has one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("deposited_on")),
                name="lot_expires_after_deposit",
                violation_error_message=_("A deposit must expire after the day it was made."),
            ),
            models.UniqueConstraint(
                fields=["accrual", "subscription_number"],
                condition=Q(accrual__isnull=False),
                name="lot_once_per_accrual_and_subscription",
                violation_error_message=_("This accrual was already deposited for this subscription."),
            ),
        ]
        indexes = [
            models.Index(fields=["rewards_account", "expires_on", "id"], name="lot_spend_order"),
            models.Index(
                fields=["expires_on", "id"], condition=Q(status="available"), name="lot_available_by_expiry"
            ),
            # The rewards page's lots, a page at a time in their order (rewards.selectors.lots_for_rewards_account).
            models.Index(
                fields=["rewards_account", "-month_earned", "subscription_number", "-id"],
                name="lot_page_order",
            ),
            # The rewards activity's deposits, newest or oldest first, and their count (rewards.activity).
            models.Index(
                fields=["rewards_account", "-deposited_on", "-id"],
                condition=Q(source="accrual"),
                name="lot_deposit_order",
            ),
            # The rewards activity's expiries, newest or oldest first (rewards.activity).
            models.Index(
                fields=["rewards_account", "-expires_on", "-id"],
                condition=Q(expired_amount__gt=0),
                name="lot_expiry_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month_earned:%Y-%m} {self.subscription_number}: {self.remaining}/{self.amount} {self.currency}"


class Redemption(models.Model):
    """Part of one lot spent on one invoice by one rewards payment (a payment may use several lots)."""

    lot = models.ForeignKey(RewardLot, on_delete=models.PROTECT, related_name="redemptions")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="redemptions")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="redemptions")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="redemption_amount_positive",
                violation_error_message=_("The redeemed amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["payment", "lot"],
                name="redemption_once_per_lot_and_payment",
                violation_error_message=_("This deposit was already used for this payment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment.reference} {self.invoice.number}: {self.amount} {self.currency}"


class ExpiryReminder(models.Model):
    """The 30-day expiry reminder of a lot: one row per lot, so it is sent once."""

    lot = models.OneToOneField(RewardLot, on_delete=models.PROTECT, related_name="expiry_reminder")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")

    def __str__(self) -> str:
        return f"Reminder for lot {self.lot_id}"


class RewardAdjustment(models.Model):
    """A correction by staff, with its reason. A credit deposits a new lot; a debit takes from one lot."""

    rewards_account = models.ForeignKey(RewardsAccount, on_delete=models.PROTECT, related_name="adjustments")
    lot = models.ForeignKey(RewardLot, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(
        _("amount"), **MONEY, help_text=_("Positive adds rewards, negative removes them.")
    )
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="adjustment_amount_not_zero",
                violation_error_message=_("An adjustment cannot be zero."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="adjustment_reason_required",
                violation_error_message=_("Give a reason for the adjustment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}: {self.reason}"


from rewards.product_models import ProductFamily, ProductRefusal  # noqa: E402, F401 — models of this app, in their own module
