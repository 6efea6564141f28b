"""Billing support's view of invoices: search, what was applied, emails sent, and three actions.

Amounts that the ledger owns (balance, version, state) are read-only here: a balance moves only through
a new row (payment, credit memo), and an invoice is cancelled by a credit memo, never deleted.
What moves money (the payments applied, the cancel action) is added by payments.admin.invoices.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from invoices.models import CreditMemo, Invoice, InvoiceLine, InvoiceState, RemittanceInstruction
from invoices.payment_ways import invoice_payment_ways
from invoices.services import InvoiceError, invoice_email_resend, invoice_issue
from notifications.models import OutboxEmail


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


class CreditMemoInline(ReadOnlyInline):
    model = CreditMemo
    fields = ("number", "issued_at", "amount", "currency", "reason", "created_by")
    readonly_fields = fields


class OutboxEmailInline(ReadOnlyMixin, GenericTabularInline):
    """The invoice's emails, from the outbox (where staff also send one again)."""

    model = OutboxEmail
    extra = 0
    can_delete = False
    verbose_name_plural = _("emails")
    fields = ("kind", "dedupe_key", "status", "to", "cc", "attempts", "sent_at", "last_error")
    readonly_fields = fields


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
    readonly_fields = [
        "state",
        "amount_due",
        "payment_ways_offered",
        "version",
        "issued_at",
        "created_at",
        "updated_at",
    ]
    inlines = [InvoiceLineInline, CreditMemoInline, OutboxEmailInline]
    actions = ["issue_selected", "resend_selected"]  # payments.admin.invoices adds what moves money

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

    @admin.display(description=_("ways to pay offered"))
    def payment_ways_offered(self, invoice: Invoice) -> str:
        """What the customer is offered for this invoice, from the same method policy as the portal."""
        if invoice.pk is None:
            return "—"
        ways = invoice_payment_ways(invoice=invoice)
        if ways.card_only:
            summary = _("Card only")
        elif ways.remittance and ways.online:
            summary = _("Online methods, bank transfer, ACH or cheque")
        elif ways.remittance:
            summary = _("Bank transfer, ACH or cheque only")
        else:
            summary = _("No way to pay online or by transfer")
        return " ".join([str(summary), *ways.notes])

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
            invoice_email_resend(invoice=invoice, actor=request.user, request=request)
            sent += 1
        self.message_user(request, _("%(count)d invoice(s) queued for sending.") % {"count": sent})


@admin.register(CreditMemo)
class CreditMemoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Credit memos come from services (cancel, dispute), which also move the balance."""

    list_display = ["number", "invoice", "amount", "currency", "reason", "issued_at"]
    search_fields = ["number", "invoice__number", "invoice__account__legal_name"]
    list_select_related = ["invoice"]


@admin.register(RemittanceInstruction)
class RemittanceInstructionAdmin(admin.ModelAdmin):
    list_display = ["currency", "beneficiary", "bank_name", "account_number", "swift_bic", "routing_number"]
