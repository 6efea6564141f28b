"""Billing support's outbox: every email the portal sent or is sending, read-only, with "send again"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from notifications.models import OutboxEmail
from notifications.services import outbox_resend


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "dedupe_key",
        "recipients",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", "language"]
    search_fields = ["dedupe_key", "to", "cc"]
    date_hierarchy = "created_at"
    actions = ["resend_selected", "resend_selected_even_if_sent"]
    list_select_related = ["content_type"]

    @admin.display(description=_("recipients"))
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join([*email.to, *email.cc])

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_outboxemail")

    def _resend(self, request, queryset, *, force: bool) -> None:
        queued = refused = 0
        for email in queryset:
            copy = outbox_resend(email=email, force=force, requested_by=request.user)
            if copy is None:
                refused += 1
            else:
                queued += 1
        if queued:
            self.message_user(request, _("%(count)d email(s) queued for sending.") % {"count": queued})
        if refused:
            self.message_user(
                request,
                _(
                    '%(count)d email(s) were already sent and were not sent again. Use "Send again, '
                    'even if already sent" to send a new copy.'
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Send again if failed (never a duplicate)"), permissions=["resend"])
    def resend_selected(self, request, queryset):
        self._resend(request, queryset, force=False)

    @admin.action(description=_("Send again, even if already sent (a new copy)"), permissions=["resend"])
    def resend_selected_even_if_sent(self, request, queryset):
        self._resend(request, queryset, force=True)
