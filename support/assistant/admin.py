"""Staff read the assistant's conversations: from the account's admin page (an inline added to it here, since
accounts may not know this app) and in their own list, searchable by account, person or words."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from support.assistant.models import Conversation, ConversationMessage


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConversationMessageInline(ReadOnlyMixin, admin.TabularInline):
    model = ConversationMessage
    fields = ("created_at", "author", "text", "intent", "article_slug")
    readonly_fields = fields
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "account",
        "user",
        "started_at",
        "last_message_at",
        "message_count",
        "language",
        "escalated_request",
    )
    list_filter = (
        "language",
        ("escalated_at", admin.EmptyFieldListFilter),
        ("account", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("account__customer_number", "account__legal_name", "user__email", "messages__text")
    list_select_related = ("account", "user", "escalated_request")
    readonly_fields = (
        "account",
        "user",
        "language",
        "started_at",
        "last_message_at",
        "escalated_at",
        "escalated_request",
    )
    inlines = [ConversationMessageInline]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_total=Count("messages"))

    @admin.display(description=_("messages"), ordering="message_total")
    def message_count(self, obj: Conversation) -> int:
        return getattr(obj, "message_total", 0)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("support.view_conversation")


class AccountConversationInline(ReadOnlyMixin, admin.TabularInline):
    """The account's conversations with the assistant, newest first, each opening its messages."""

    model = Conversation
    fields = ("started_at", "user", "last_message_at", "escalated_request")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = _("conversations with the assistant")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("support.view_conversation")


def account_admin_extend() -> None:
    """Add the conversations to the registered CustomerAccount admin (accounts registers it first)."""
    account_admin = admin.site._registry.get(CustomerAccount)
    if account_admin is not None and AccountConversationInline not in account_admin.inlines:
        setattr(account_admin, "inlines", [*account_admin.inlines, AccountConversationInline])  # noqa: B010


account_admin_extend()
