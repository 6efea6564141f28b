"""The tables behind the method policy (payments/policy.py) and the provider events we stored."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoices.models import MONEY
from payments.models.ledger import PaymentProvider


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
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="country_options_iso",
                violation_error_message=_("The country must be a two-letter ISO code, such as FR."),
            )
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
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="card_limit_currency_iso",
                violation_error_message=_("The currency must be a three-letter ISO code, such as EUR."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gt=F("card_only_below")),
                name="card_limit_above_card_only",
                violation_error_message=_("The card limit must be above the card-only threshold."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency}: {self.max_amount}"


class WebhookEventStatus(models.TextChoices):
    """received → processed; or rejected (signed, but not a shape we accept: answered 400, never applied);
    or held (its amount or currency differs from our payment row: not applied, staff decide)."""

    RECEIVED = "received", _("received")
    PROCESSED = "processed", _("processed")
    REJECTED = "rejected", _("rejected")
    HELD = "held", _("held for staff")


class WebhookEvent(models.Model):
    """A provider event, stored once (unique provider + event id) after its signature was verified.

    A rejected event whose id is unusable (too long, not text) is stored under "sha256:<hash of the body>",
    so the provider's retries of it find the same row."""

    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=WebhookEventStatus.choices, default=WebhookEventStatus.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the event was rejected or held."))

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                name="webhook_event_once",
                violation_error_message=_("This provider event was already received."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"
