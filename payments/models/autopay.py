"""Automatic payment: the provider customer, saved cards and mandates, and each due-date run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from invoices.models import Invoice
from payments.models.ledger import Payment, PaymentMethod, PaymentProvider


class ProviderCustomer(models.Model):
    """The provider's customer object of an account (Stripe `cus_...`), created once."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=20, choices=PaymentProvider.choices)
    customer_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "provider"],
                name="provider_customer_once",
                violation_error_message=_("This account already has a customer record with this provider."),
            ),
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
            models.UniqueConstraint(
                fields=["provider", "provider_method_id"],
                name="saved_method_once",
                violation_error_message=_("This payment method is already saved."),
            ),
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
            models.UniqueConstraint(
                fields=["invoice", "due_date"],
                name="autopay_once_per_due_date",
                violation_error_message=_(
                    "This invoice was already charged automatically for this due date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.due_date}"
