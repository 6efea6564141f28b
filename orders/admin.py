"""Billing support's view of orders and subscriptions: mark products provisioned, issue what the plan says
is due. Provisioning dates and invoiced plan lines change only through orders.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from orders.models import Order, OrderLine, PlanLineInvoice, Subscription, UsageRecord
from orders.services import OrderError, order_line_provision, subscription_invoices_issue


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "position",
        "product",
        "category",
        "quantity",
        "unit",
        "amount",
        "service_start",
        "provisioned_on",
    ]
    readonly_fields = [
        "provisioned_on"
    ]  # set by the "provisioned" actions, which also move the order's status


class OrderInline(ReadOnlyMixin, admin.TabularInline):
    model = Order
    extra = 0
    can_delete = False
    fields = ("number", "kind", "order_date", "status", "total")
    readonly_fields = fields


def _provision(modeladmin, request, lines) -> None:
    today = timezone.localdate()
    done = 0
    for line in lines:
        if line.provisioned_on is not None:
            continue
        try:
            order_line_provision(line=line, provisioned_on=today, actor=request.user, request=request)
            done += 1
        except OrderError as error:
            modeladmin.message_user(request, str(error), messages.WARNING)
    modeladmin.message_user(request, _("%(count)d product(s) marked provisioned.") % {"count": done})


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "account",
        "start_date",
        "term_months",
        "end_date",
        "billing_frequency",
        "billing_timing",
    ]
    list_filter = ["billing_frequency", "billing_timing"]
    search_fields = ["number", "name", "account__legal_name", "account__customer_number"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    inlines = [OrderInline]
    actions = ["issue_due"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Issue the invoices the billing plan says are due today"))
    def issue_due(self, request, queryset):
        today = timezone.localdate()
        issued = [
            invoice
            for subscription in queryset
            if (
                invoice := subscription_invoices_issue(
                    subscription=subscription, today=today, actor=request.user
                )
            )
        ]
        self.message_user(
            request,
            _("%(count)d invoice(s) issued: %(numbers)s")
            % {"count": len(issued), "numbers": ", ".join(i.number for i in issued) or "—"},
            messages.SUCCESS if issued else messages.INFO,
        )


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "subscription", "kind", "order_date", "status", "total"]
    list_filter = ["status", "kind"]
    search_fields = [
        "number",
        "po_number",
        "account__legal_name",
        "account__customer_number",
        "subscription__number",
    ]
    list_select_related = ["account", "subscription"]
    autocomplete_fields = ["account", "subscription"]
    readonly_fields = ["status", "provisioning_on", "partly_provisioned_on", "provisioned_on", "invoiced_on"]
    inlines = [OrderLineInline]
    actions = ["provision_all"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark every product of the selected orders provisioned today"))
    def provision_all(self, request, queryset):
        _provision(
            self, request, OrderLine.objects.filter(order__in=queryset).order_by("order_id", "position")
        )


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["product", "order", "category", "quantity", "amount", "service_start", "provisioned_on"]
    list_filter = ["category", ("provisioned_on", admin.EmptyFieldListFilter)]
    search_fields = ["product", "product_code", "order__number", "order__account__legal_name"]
    list_select_related = ["order"]
    readonly_fields = ["provisioned_on"]
    autocomplete_fields = ["order"]
    actions = ["provision_selected"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark the selected products provisioned today"))
    def provision_selected(self, request, queryset):
        _provision(self, request, queryset)


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    list_display = ["subscription", "month", "product", "kind", "quantity", "unit_price", "committed_amount"]
    list_filter = ["kind", "month"]
    search_fields = ["subscription__number", "product"]
    list_select_related = ["subscription"]
    autocomplete_fields = ["subscription"]


@admin.register(PlanLineInvoice)
class PlanLineInvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["subscription", "key", "rule", "period_start", "period_end", "amount", "invoice"]
    search_fields = ["subscription__number", "invoice__number", "key"]
    list_select_related = ["subscription", "invoice"]
