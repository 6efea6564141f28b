"""The invoice admin, completed with what the ledger owns: the payments applied and the cancel action.

invoices.admin cannot show these (invoices sits below payments), so payments registers its subclass.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from invoices.admin import InvoiceAdmin as InvoiceBaseAdmin
from invoices.admin import ReadOnlyInline
from invoices.models import Invoice
from invoices.services import InvoiceError
from payments.models import Allocation
from payments.services.cancellation import invoice_cancel


class AllocationInline(ReadOnlyInline):
    model = Allocation
    verbose_name_plural = _("payments applied")
    fields = ("created_at", "payment", "payment_method", "amount", "reverses")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment")

    @admin.display(description=_("method"))
    def payment_method(self, allocation):
        return allocation.payment.get_method_display()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (printed on the credit memo)"), max_length=300)


admin.site.unregister(Invoice)


@admin.register(Invoice)
class InvoiceAdmin(InvoiceBaseAdmin):
    inlines = [*InvoiceBaseAdmin.inlines[:1], AllocationInline, *InvoiceBaseAdmin.inlines[1:]]
    actions = [*InvoiceBaseAdmin.actions, "cancel_selected"]

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
