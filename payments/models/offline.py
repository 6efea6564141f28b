"""Money sent outside the portal: what a customer announced (RemittanceAdvice) until staff reconcile it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from invoices.models import MONEY, Invoice
from payments.models.ledger import Payment, PaymentMethod


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
        WITHDRAWN = "withdrawn", _("Withdrawn")  # the customer says the money was not sent (or was stopped)

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
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remittance advice")
        verbose_name_plural = _("remittance advices")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="remittance_advice_amount_positive",
                violation_error_message=_("The transfer amount must be more than zero."),
            ),
            # A double submit of the same advice records it once.
            models.UniqueConstraint(
                fields=["invoice", "method", "paid_on", "amount", "customer_reference"],
                name="remittance_advice_once",
                violation_error_message=_("This transfer was already announced."),
            ),
            models.CheckConstraint(
                condition=Q(status="announced", payment__isnull=True)
                | Q(status="reconciled", payment__isnull=False)
                | Q(status="withdrawn", payment__isnull=True, withdrawn_at__isnull=False),
                name="remittance_advice_reconciled_has_payment",
                violation_error_message=_("A reconciled transfer must be linked to its payment."),
            ),
        ]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.amount} {self.currency} ({self.get_status_display()})"


# --- online payments (card, PayPal, direct debit), webhooks, automatic payment ---------------------------
