"""Announced transfers (remittance advices): staff see what each can still pay and reconcile them."""

from decimal import Decimal

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from invoices.models import Invoice
from payments.holds import invoice_payable
from payments.models import (
    RemittanceAdvice,
)


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
    what the invoice may still take (its balance, less credit applied, another payment meanwhile and
    payments still in flight); the rest becomes account credit."""
    return min(advice.amount, invoice_payable(invoice=advice.invoice))


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
