"""The outbox: one row per email the product sends (or sent before this table existed: history migrated).

A row is written in the transaction of the change it tells about, so an email exists exactly when the
change committed. Its life: pending → claimed (a worker is sending it) → sent, or failed (a bug, or mail
errors past the last retry), or skipped (nothing to say any more: invitation revoked, lot spent).
`dedupe_key` is unique in the database: recording the same email twice is a no-op, whatever the caller.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not needed any more")


UNSENT_STATUSES = [OutboxStatus.PENDING, OutboxStatus.CLAIMED]


class OutboxEmail(models.Model):
    kind = models.CharField(_("kind"), max_length=50, help_text=_("Names the builder that renders it."))
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Recipients the caller gave, replaced by the addresses the email actually went to once sent.
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a send task was last asked for (on commit, by the sweeper); NULL: no task is on its way.
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    resend_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resends",
        verbose_name=_("copy of"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Not auto_now_add: migrated history keeps the date of the row it came from.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.CLAIMED) | Q(claimed_at__isnull=False),
                name="outbox_claimed_has_claimed_at",
            ),
        ]
        indexes = [
            # The sweeper reads only rows not yet sent: a small partial index however long the history.
            models.Index(
                fields=["status", "enqueued_at"],
                condition=Q(status__in=["pending", "claimed"]),
                name="outbox_unsent",
            ),
            models.Index(fields=["content_type", "object_id"], name="outbox_target"),
            models.Index(fields=["kind", "-created_at"], name="outbox_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.dedupe_key} ({self.status})"

    @property
    def target_id(self) -> int:
        """The id of the object this email is about; every kind that a builder reads has one."""
        if self.object_id is None:
            raise ValueError(f"Outbox email {self.pk} ({self.kind}) has no object.")
        return self.object_id
