"""Billing support's view of invoices: search, what was applied, emails sent, and three actions.

Amounts that the ledger owns (balance, version, state) are read-only here: a balance moves only through
a new row (payment, credit memo), and an invoice is cancelled by a credit memo, never deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from invoices.models import CreditMemo, Invoice, InvoiceLine, InvoiceState, RemittanceInstruction
from invoices.services import InvoiceError, invoice_cancel, invoice_email_resend, invoice_issue
from notifications.models import OutboxEmail
from payments.models import Allocation
from portal.admin_readonly import ReadOnlyMixin


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = [
        "position",
        "order_number",
        "description",
        "product",
        "quantity",
        "unit_price",
        "amount",
        "tax",
        "service_start",
        "service_end",
        "is_rewards_eligible_support",
    ]

    def _editable(self, obj) -> bool:
        return obj is None or obj.state == InvoiceState.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class AllocationInline(ReadOnlyInline):
    model = Allocation
    verbose_name_plural = _("payments applied")
    fields = ["created_at", "payment", "payment_method", "amount", "reverses"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment")

    @admin.display(description=_("method"))
    def payment_method(self, allocation):
        return allocation.payment.get_method_display()


class CreditMemoInline(ReadOnlyInline):
    model = CreditMemo
    fields = ["number", "issued_at", "amount", "currency", "reason", "created_by"]
    readonly_fields = fields


class OutboxEmailInline(ReadOnlyMixin, GenericTabularInline):
    """The invoice's emails, from the outbox (where staff also send one again)."""

    model = OutboxEmail
    extra = 0
    can_delete = False
    verbose_name_plural = _("emails")
    fields = ["kind", "dedupe_key", "status", "to", "cc", "attempts", "sent_at", "last_error"]
    readonly_fields = fields


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (printed on the credit memo)"), max_length=300)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "account",
        "kind",
        "state",
        "issue_date",
        "due_date",
        "currency",
        "total",
        "amount_due",
        "po_number",
    ]
    list_filter = ["state", "kind", "currency", "issue_date"]
    search_fields = [
        "number",
        "account__legal_name",
        "account__customer_number",
        "po_number",
        "lines__order_number",
    ]
    list_select_related = ["account"]
    autocomplete_fields = ["account", "replaces"]
    date_hierarchy = "issue_date"
    readonly_fields = ["state", "amount_due", "version", "issued_at", "created_at", "updated_at"]
    inlines = [InvoiceLineInline, AllocationInline, CreditMemoInline, OutboxEmailInline]
    actions = ["issue_selected", "resend_selected", "cancel_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state != InvoiceState.DRAFT:
            # An issued invoice is a legal document: amounts and parties no longer change.
            fields += [
                "number",
                "account",
                "kind",
                "issue_date",
                "payment_terms_days",
                "due_date",
                "currency",
                "subtotal",
                "tax",
                "total",
                "language",
            ]
        return fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.state == InvoiceState.DRAFT:
            obj.amount_due = obj.total  # nothing can be applied to a draft
            if change:
                obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db()

    @admin.action(description=_("Issue the selected draft invoices and email them"))
    def issue_selected(self, request, queryset):
        issued = 0
        for invoice in queryset:
            try:
                invoice_issue(invoice=invoice, actor=request.user, request=request)
                issued += 1
            except InvoiceError as error:
                self.message_user(request, str(error), messages.WARNING)
        if issued:
            self.message_user(
                request, _("%(count)d invoice(s) issued.") % {"count": issued}, messages.SUCCESS
            )

    @admin.action(description=_("Email the selected invoices again"))
    def resend_selected(self, request, queryset):
        sent = 0
        for invoice in queryset.exclude(state=InvoiceState.DRAFT):
            invoice_email_resend(invoice=invoice, actor=request.user)
            sent += 1
        self.message_user(request, _("%(count)d invoice(s) queued for sending.") % {"count": sent})

    @admin.action(description=_("Cancel the selected invoices (credit memo for the balance)"))
    def cancel_selected(self, request, queryset):
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            cancelled = 0
            for invoice in queryset:
                try:
                    invoice_cancel(
                        invoice=invoice,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                    cancelled += 1
                except InvoiceError as error:
                    self.message_user(request, str(error), messages.WARNING)
            if cancelled:
                self.message_user(
                    request, _("%(count)d invoice(s) cancelled.") % {"count": cancelled}, messages.SUCCESS
                )
            return None
        return render(
            request,
            "invoices/admin/cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel invoices"),
                "invoices": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CreditMemo)
class CreditMemoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Credit memos come from services (cancel, dispute), which also move the balance."""

    list_display = ["number", "invoice", "amount", "currency", "reason", "issued_at"]
    search_fields = ["number", "invoice__number", "invoice__account__legal_name"]
    list_select_related = ["invoice"]


@admin.register(RemittanceInstruction)
class RemittanceInstructionAdmin(admin.ModelAdmin):
    list_display = ["currency", "beneficiary", "bank_name", "account_number", "swift_bic", "routing_number"]
