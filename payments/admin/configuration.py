"""Automatic payment, saved methods, the method policy tables and stored webhook events."""

from django.contrib import admin

from core.admin import ReadOnlyMixin
from payments.models import (
    AutoPay,
    AutoPayRun,
    CardLimit,
    CountryPaymentOptions,
    SavedPaymentMethod,
    WebhookEvent,
)


@admin.register(SavedPaymentMethod)
class SavedPaymentMethodAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Cards and mandates saved by customers through Stripe; only the customer adds or replaces them."""

    list_display = ["account", "method", "label", "mandate_reference", "created_at"]
    list_filter = ["method"]
    search_fields = ["account__legal_name", "account__customer_number", "label", "mandate_reference"]
    list_select_related = ["account"]


@admin.register(AutoPay)
class AutoPayAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["account", "enabled", "saved_method", "updated_by", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["account__legal_name", "account__customer_number"]
    list_select_related = ["account", "saved_method", "updated_by"]


@admin.register(AutoPayRun)
class AutoPayRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "invoice", "due_date", "payment", "outcome"]
    search_fields = ["invoice__number", "payment__reference"]
    list_select_related = ["invoice", "payment"]


@admin.register(CountryPaymentOptions)
class CountryPaymentOptionsAdmin(admin.ModelAdmin):
    list_display = ["country", "online_payment", "card", "paypal", "sepa_debit", "ach_debit"]
    list_editable = ["online_payment", "card", "paypal", "sepa_debit", "ach_debit"]
    search_fields = ["country"]


@admin.register(CardLimit)
class CardLimitAdmin(admin.ModelAdmin):
    list_display = ["currency", "max_amount", "card_only_below"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["received_at", "provider", "event_type", "event_id", "status", "processed_at", "attempts"]
    list_filter = ["status", "provider", "event_type"]  # status=held: events waiting for staff
    search_fields = ["event_id"]
    readonly_fields = [
        "provider",
        "event_id",
        "event_type",
        "status",
        "reason",
        "payload",
        "received_at",
        "processed_at",
        "attempts",
        "last_error",
    ]
