"""Billing support's view of the payments ledger.

Money rows are read-only here: staff change balances only through the reconciliation form
(money received by the bank) and the refund approval, both of which call services.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from core.money import format_money
from invoices.models import Invoice
from payments import invoice_admin  # noqa: F401 — registers the invoice admin with its money parts
from payments.ledger import PaymentError
from payments.models import (
    AccountCredit,
    Allocation,
    AutoPay,
    AutoPayRun,
    CardLimit,
    CountryPaymentOptions,
    Payment,
    PaymentEvent,
    Refund,
    RemittanceAdvice,
    SavedPaymentMethod,
    WebhookEvent,
)
from payments.offline_forms import RefundApproveForm, TransferReconcileForm
from payments.services.credit import refund_approve, refund_is_by_card, refund_reject
from payments.services.offline import transfer_reconcile


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


@admin.register(RemittanceAdvice)
class RemittanceAdviceAdmin(admin.ModelAdmin):
    list_display = [
        "paid_on",
        "account",
        "invoice",
        "method",
        "amount",
        "currency",
        "customer_reference",
        "status",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = [
        "invoice__number",
        "account__customer_number",
        "account__legal_name",
        "customer_reference",
    ]
    list_select_related = ["account", "invoice"]
    readonly_fields = [
        "account",
        "invoice",
        "method",
        "paid_on",
        "amount",
        "currency",
        "customer_reference",
        "status",
        "recorded_by",
        "payment",
        "reconciled_at",
        "created_at",
    ]
    actions = ["reconcile"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reconcile: record the money received for the selected advices"))
    def reconcile(self, request, queryset):
        advices = list(queryset.filter(status=RemittanceAdvice.Status.ANNOUNCED).select_related("invoice"))
        if not advices:
            self.message_user(request, _("Choose announced advices."), messages.WARNING)
            return None
        if len({(a.account_id, a.currency, a.method) for a in advices}) > 1:
            self.message_user(
                request, _("Choose advices of one account, one currency and one method."), messages.ERROR
            )
            return None
        return redirect(reconcile_prefill_url(advices))


def applicable_amount(advice: RemittanceAdvice) -> Decimal:
    """What an announced transfer can still pay on its invoice: the smaller of the amount announced and
    the balance now due (credit applied, another payment meanwhile); the rest becomes account credit."""
    invoice = advice.invoice
    if not invoice.can_be_paid():
        return Decimal("0.00")
    return min(advice.amount, invoice.amount_due)


def reconcile_prefill_url(advices: list[RemittanceAdvice]) -> str:
    """The reconciliation form filled from announced advices of one account, currency and method.

    Each invoice is proposed what it can take (never more than its balance, so the form accepts its own
    pre-fill); an invoice with nothing left to pay is listed without an amount: the money becomes
    account credit in the same step, and the advices leave "Announced".
    """
    first = advices[0]
    announced: dict[Invoice, Decimal] = {}
    for advice in advices:
        announced[advice.invoice] = announced.get(advice.invoice, Decimal("0.00")) + advice.amount
    lines = []
    for invoice, amount in announced.items():
        part = min(amount, invoice.amount_due) if invoice.can_be_paid() else Decimal("0.00")
        lines.append(f"{invoice.number}: {part}" if part > 0 else invoice.number)
    query: dict[str, str | int] = {
        "account": first.account_id,
        "method": first.method,
        "currency": first.currency,
        "amount": str(sum(a.amount for a in advices)),
        "received_on": timezone.localdate().isoformat(),
        "bank_reference": first.customer_reference,
        "invoices": "\n".join(lines),
        "advices": ",".join(str(a.pk) for a in advices),
    }
    return f"{reverse('admin:payments_payment_reconcile')}?{urlencode(query)}"


# --- online payment configuration (models of the online payments work) --------------------------------
# Guarded so that a registration elsewhere in this module wins without an AlreadyRegistered error.

if not admin.site.is_registered(CountryPaymentOptions):

    @admin.register(CountryPaymentOptions)
    class CountryPaymentOptionsAdmin(admin.ModelAdmin):
        list_display = ["country", "online_payment", "card", "paypal", "sepa_debit", "ach_debit"]
        list_editable = ["online_payment", "card", "paypal", "sepa_debit", "ach_debit"]
        search_fields = ["country"]


if not admin.site.is_registered(CardLimit):

    @admin.register(CardLimit)
    class CardLimitAdmin(admin.ModelAdmin):
        list_display = ["currency", "max_amount", "card_only_below"]


if not admin.site.is_registered(WebhookEvent):

    @admin.register(WebhookEvent)
    class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
        list_display = ["received_at", "provider", "event_type", "event_id", "processed_at", "attempts"]
        list_filter = ["provider", "event_type"]
        search_fields = ["event_id"]
        readonly_fields = [
            "provider",
            "event_id",
            "event_type",
            "payload",
            "received_at",
            "processed_at",
            "attempts",
            "last_error",
        ]


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
