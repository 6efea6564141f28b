"""API tokens and webhooks in the admin, read-only: customers manage them on the portal's API pages.
A token's hash and an endpoint's signing secret are never shown."""

from django.contrib import admin

from api.models import AccessToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.admin import ReadOnlyMixin


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "account",
        "user",
        "role",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["role"]
    search_fields = ["name", "prefix", "account__customer_number", "account__legal_name", "user__email"]
    list_select_related = ["account", "user"]
    exclude = ["key_hash"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["url", "account", "is_active", "failing_since", "disabled_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "account__customer_number", "account__legal_name"]
    list_select_related = ["account"]
    exclude = ["secret"]


class WebhookAttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["endpoint__url", "event__account__customer_number"]
    list_select_related = ["event", "endpoint"]
    inlines = [WebhookAttemptInline]
