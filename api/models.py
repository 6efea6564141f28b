"""Personal access tokens for the REST API, and the outbound webhooks (endpoints, events, deliveries).

A token is shown once: only its SHA-256 is stored (the secret has 256 bits of entropy, so a plain hash
is enough; no salt or slow hash needed), with a short prefix kept to tell tokens apart in lists.

Webhooks follow the outbox pattern: a `WebhookEvent` and one `WebhookDelivery` per subscribed endpoint are
written in the transaction of the change they describe (api/webhooks/hooks.py), so a committed change
always has its deliveries; a Celery task sends each one after the commit, a sweeper finds those left
behind, and every HTTP try is a `WebhookAttempt` row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount, Role


class TokenRole(models.TextChoices):
    """What a token may do: never more than the person who made it (a billing contact)."""

    READ_ONLY = "read_only", _("Read only")
    PAYER = "payer", _("Payer (may also announce payments and open requests)")


class AccessToken(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="api_tokens")
    # The person the token acts for: it reads what they may read, and stops working if they leave.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(
        _("access"), max_length=20, choices=TokenRole.choices, default=TokenRole.READ_ONLY
    )
    prefix = models.CharField(
        _("prefix"), max_length=16, help_text=_("The first characters, to tell tokens apart.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # When a use was last written to the activity log (at most once per TOKEN_USE_LOG_INTERVAL).
    last_logged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
                violation_error_message=_("The expiry date must be after the creation date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def may_write(self) -> bool:
        return self.role == TokenRole.PAYER


ROLE_RANK = {Role.VIEWER: 0, Role.PAYER: 1, Role.BILLING_CONTACT: 2}
TOKEN_ROLE_NEEDS = {TokenRole.READ_ONLY: Role.VIEWER, TokenRole.PAYER: Role.PAYER}


class WebhookEventType(models.TextChoices):
    INVOICE_ISSUED = "invoice.issued", _("An invoice is issued")
    INVOICE_OVERDUE = "invoice.overdue", _("An invoice becomes overdue")
    INVOICE_PAID = "invoice.paid", _("An invoice is paid in full")
    PAYMENT_SUCCEEDED = "payment.succeeded", _("A payment succeeds")
    PAYMENT_FAILED = "payment.failed", _("A payment fails")
    CREDIT_MEMO_ISSUED = "credit_memo.issued", _("A credit memo is issued")
    REWARDS_DEPOSITED = "rewards.deposited", _("Support Rewards are deposited")
    REWARDS_EXPIRING = "rewards.expiring", _("Support Rewards expire in 30 days")


class WebhookEndpoint(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = ArrayField(
        models.CharField(max_length=40, choices=WebhookEventType.choices), verbose_name=_("events")
    )
    # The HMAC key of the signatures; the receiver keeps a copy (shown on the endpoint's page).
    secret = models.CharField(max_length=80, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Since when every delivery failed; cleared by a success. Three days of it disable the endpoint.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(events=[]),
                name="webhook_endpoint_has_events",
                violation_error_message=_("Choose at least one event."),
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """Something that happened to an account, as its endpoints receive it (the JSON body is `envelope`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="webhook_events")
    type = models.CharField(_("type"), max_length=40, choices=WebhookEventType.choices)
    # What the event is about and which change: recording it twice is a no-op (e.g. "invoice.paid:42:7").
    dedupe_key = models.CharField(max_length=200, unique=True)
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.pk.hex}"

    def envelope(self) -> dict:
        return {
            "id": self.public_id,
            "type": self.type,
            "created": self.created_at.isoformat(),
            "account": self.account.customer_number,
            "data": self.data,
        }


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker holds the delivery until then (sending); a crashed worker's claim simply runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Retries stop RETRY_WINDOW after this (a re-send from the portal starts a new window).
    window_started_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                name="webhook_delivery_once_per_endpoint",
                violation_error_message=_("This event is already delivered to this endpoint."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SUCCEEDED) | Q(delivered_at__isnull=False),
                name="webhook_delivery_succeeded_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due"
            ),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery: what the endpoint answered and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows")
    started_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"
