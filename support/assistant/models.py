"""Conversations with the assistant: every message and answer, kept for the customer and for staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount


class Conversation(models.Model):
    """One user's thread with the assistant on one account (a new one after a pause, see services)."""

    account = models.ForeignKey(
        CustomerAccount,
        on_delete=models.CASCADE,
        related_name="assistant_conversations",
        verbose_name=_("account"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)
    escalated_at = models.DateTimeField(_("handed to billing support at"), null=True, blank=True)
    escalated_request = models.ForeignKey(
        "support.SupportRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("billing-support request"),
        help_text=_("The request filed from it when the customer asked to talk to someone."),
    )

    class Meta:
        app_label = "support"
        verbose_name = _("assistant conversation")
        verbose_name_plural = _("assistant conversations")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["account", "user", "-last_message_at"])]

    def __str__(self) -> str:
        return f"{self.account} · {self.started_at:%Y-%m-%d %H:%M}"


class Author(models.TextChoices):
    USER = "user", _("The customer")
    ASSISTANT = "assistant", _("Assistant")


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("from"), max_length=12, choices=Author.choices)
    text = models.TextField(_("text"))
    intent = models.CharField(_("intent"), max_length=40, blank=True)
    article_slug = models.SlugField(_("help article"), max_length=80, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        app_label = "support"
        verbose_name = _("assistant message")
        verbose_name_plural = _("assistant messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__in=[author.value for author in Author]),
                name="assistant_message_author_known",
                violation_error_message=_("A message is from the customer or from the assistant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.text[:60]}"
