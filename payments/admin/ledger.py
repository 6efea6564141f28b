"""Billing support's view of the payments ledger: payments (with the reconciliation form), allocations,
account credit and refunds.

Money rows are read-only here: staff change balances only through the reconciliation form
(money received by the bank) and the refund approval, both of which call services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from core.money import format_money
from payments.admin.remittance import applicable_amount, reconcile_prefill_url
from payments.ledger import PaymentError
from payments.models import (
    AccountCredit,
    Allocation,
    Payment,
    PaymentEvent,
    Refund,
    RemittanceAdvice,
)
from payments.offline_forms import RefundApproveForm, TransferReconcileForm
from payments.services.offline import transfer_reconcile
from payments.services.refunds import refund_approve, refund_is_by_card, refund_reject


class AllocationInline(ReadOnlyMixin, admin.TabularInline):
    model = Allocation
    fields = ("invoice", "amount", "reverses", "created_at")
    readonly_fields = fields
    extra = 0


class PaymentEventInline(ReadOnlyMixin, admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "account", "method", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "method", "provider", "currency"]
    search_fields = ["reference", "provider_reference", "account__customer_number", "account__legal_name"]
    list_select_related = ["account"]
    date_hierarchy = "created_at"
    inlines = [AllocationInline, PaymentEventInline]
    readonly_fields = [
        "account",
        "method",
        "provider",
        "provider_reference",
        "idempotency_key",
        "reference",
        "amount",
        "currency",
        "status",
        "failure_message",
        "started_by",
        "created_at",
        "settled_at",
        "intended_allocations",
    ]
    change_list_template = "admin/payments/payment/change_list.html"

    def get_urls(self):
        return [
            path(
                "reconcile/",
                self.admin_site.admin_view(self.reconcile_view),
                name="payments_payment_reconcile",
            ),
            *super().get_urls(),
        ]

    def reconcile_view(self, request):
        """Record money the bank received and apply it to invoices; the rest becomes account credit."""
        if not request.user.has_perm("payments.add_payment"):
            raise PermissionDenied
        form = TransferReconcileForm(request.POST or None, initial=request.GET.dict() or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                payment = transfer_reconcile(
                    account=data["account"],
                    method=data["method"],
                    amount=data["amount"],
                    currency=data["currency"],
                    received_on=data["received_on"],
                    bank_reference=data["bank_reference"],
                    invoice_amounts=data["invoice_amounts"],
                    advices=data["advices"],
                    actor=request.user,
                    request=request,
                )
            except PaymentError as error:
                form.add_error(None, str(error))
            else:
                applied = ", ".join(f"{inv.number}: {part}" for inv, part in data["invoice_amounts"]) or "—"
                credit = data["credit_left"]
                messages.success(
                    request,
                    _("%(reference)s recorded. Applied: %(applied)s. Account credit: %(credit)s.")
                    % {
                        "reference": payment.reference,
                        "applied": applied,
                        "credit": format_money(credit, payment.currency),
                    },
                )
                return redirect("admin:payments_payment_change", payment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconcile money received"),
            "form": form,
            "opts": self.model._meta,
            "announced": [
                (advice, applicable_amount(advice), reconcile_prefill_url([advice]))
                for advice in RemittanceAdvice.objects.filter(status=RemittanceAdvice.Status.ANNOUNCED)
                .select_related("account", "invoice")
                .order_by("paid_on")[:20]
            ],
        }
        return TemplateResponse(request, "admin/payments/reconcile.html", context)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["payment", "invoice", "amount", "reverses", "created_at"]
    search_fields = ["payment__reference", "invoice__number"]
    list_select_related = ["payment", "invoice"]
    readonly_fields = ["payment", "invoice", "amount", "reverses", "created_at"]


@admin.register(AccountCredit)
class AccountCreditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "account", "kind", "amount", "currency", "balance_after", "payment", "note"]
    list_filter = ["kind", "currency"]
    search_fields = ["account__customer_number", "account__legal_name", "payment__reference", "note"]
    list_select_related = ["account", "payment"]
    readonly_fields = [
        "account",
        "currency",
        "amount",
        "balance_after",
        "kind",
        "payment",
        "invoice",
        "note",
        "created_by",
        "created_at",
    ]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "amount", "currency", "status", "paid_how", "provider_reference"]
    list_filter = ["status", "currency"]
    search_fields = ["account__customer_number", "account__legal_name", "provider_reference"]
    list_select_related = ["account", "payment"]
    readonly_fields = [
        "account",
        "payment",
        "amount",
        "currency",
        "status",
        "provider_reference",
        "reason",
        "requested_by",
        "approved_by",
        "created_at",
        "settled_at",
        "approve_link",
    ]
    actions = ["approve_card_refunds", "reject_refunds"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("paid by"))
    def paid_how(self, refund: Refund) -> str:
        return str(_("card (Stripe)") if refund_is_by_card(refund) else _("bank transfer"))

    @admin.display(description=_("approve"))
    def approve_link(self, refund: Refund) -> str:
        if refund.status not in (Refund.Status.REQUESTED, Refund.Status.APPROVED):
            return "—"
        url = reverse("admin:payments_refund_approve", args=[refund.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Approve and pay this refund"))

    def get_urls(self):
        return [
            path(
                "<int:refund_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="payments_refund_approve",
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, refund_id: int):
        if not request.user.has_perm("payments.change_refund"):
            raise PermissionDenied
        refund = get_object_or_404(Refund.objects.select_related("account", "payment"), pk=refund_id)
        form = RefundApproveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                refund_approve(
                    refund=refund,
                    actor=request.user,
                    bank_reference=form.cleaned_data["bank_reference"],
                    request=request,
                )
            except PaymentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Refund paid and account credit reduced."))
                return redirect("admin:payments_refund_change", refund.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve refund"),
            "refund": refund,
            "by_card": refund_is_by_card(refund),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/refund_approve.html", context)

    @admin.action(description=_("Approve and refund selected card payments through Stripe"))
    def approve_card_refunds(self, request, queryset):
        if not request.user.has_perm("payments.change_refund"):
            raise PermissionDenied
        for refund in queryset.select_related("payment"):
            if not refund_is_by_card(refund):
                url = reverse("admin:payments_refund_approve", args=[refund.pk])
                self.message_user(
                    request,
                    format_html(
                        '{}: <a href="{}">{}</a>',
                        refund,
                        url,
                        _("a bank refund needs its transfer reference"),
                    ),
                    messages.WARNING,
                )
                continue
            try:
                refund_approve(refund=refund, actor=request.user, request=request)
            except PaymentError as error:
                self.message_user(request, f"{refund}: {error}", messages.ERROR)
            else:
                self.message_user(request, _("%(refund)s refunded.") % {"refund": refund}, messages.SUCCESS)

    @admin.action(description=_("Reject selected refunds"))
    def reject_refunds(self, request, queryset):
        if not request.user.has_perm("payments.change_refund"):
            raise PermissionDenied
        for refund in queryset:
            try:
                refund_reject(
                    refund=refund, actor=request.user, reason="Rejected by billing support", request=request
                )
            except PaymentError as error:
                self.message_user(request, f"{refund}: {error}", messages.ERROR)
