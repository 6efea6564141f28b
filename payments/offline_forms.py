"""Forms for offline money: the customer's remittance advice, staff reconciliation and refund approval."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from core.forms import AmountField
from core.money import format_money, quantize
from invoices.models import Invoice, InvoiceState
from payments.models import RemittanceAdvice, RemittanceMethod


class RemittanceAdviceForm(forms.Form):
    method = forms.ChoiceField(label=_("How did you pay?"), choices=RemittanceMethod.choices)
    paid_on = forms.DateField(
        label=_("Payment date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day you sent the transfer or posted the cheque."),
    )
    amount = AmountField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    customer_reference = forms.CharField(
        label=_("Your reference"),
        max_length=100,
        required=False,
        help_text=_("Transfer reference or cheque number, as your bank shows it."),
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        self.invoice = invoice
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("amount", invoice.amount_due)
        kwargs["initial"].setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s, at most the balance due of %(balance)s.") % {
            "currency": invoice.currency,
            "balance": format_money(invoice.amount_due, invoice.currency),
        }

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        return paid_on

    def clean_amount(self):
        amount = quantize(self.cleaned_data["amount"], self.invoice.currency)
        if amount > self.invoice.amount_due:
            raise forms.ValidationError(
                _("The amount cannot exceed the balance due of %(balance)s.")
                % {"balance": format_money(self.invoice.amount_due, self.invoice.currency)}
            )
        return amount


INVOICE_LINE = re.compile(r"^\s*(?P<number>[\w./-]+)\s*(?:[:=]\s*(?P<amount>\d+(?:[.,]\d{1,2})?))?\s*$")


class TransferReconcileForm(forms.Form):
    """Staff record a bank statement line and say which invoices it pays."""

    account = forms.ModelChoiceField(label=_("Customer account"), queryset=CustomerAccount.objects.all())
    method = forms.ChoiceField(label=_("Method"), choices=RemittanceMethod.choices)
    amount = AmountField(
        label=_("Amount received"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=200)
    invoices = forms.CharField(
        label=_("Invoices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One invoice number per line, optionally with the amount for it (INV-1001: 250.00). "
            "Invoices without an amount share what is left, oldest due date first; anything not "
            "needed becomes account credit. An invoice with nothing left to pay (closed otherwise) "
            "takes nothing: listed without an amount, its announced transfer becomes account credit."
        ),
    )
    # The announced advices this money answers (ids, from the pre-fill): they leave "Announced" even when
    # their invoice was closed otherwise and the money becomes account credit.
    advices = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_currency(self):
        currency = self.cleaned_data["currency"].upper()
        if not currency.isalpha():
            raise forms.ValidationError(_("Enter an ISO 4217 code such as EUR or USD."))
        return currency

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        account, currency, amount = cleaned.get("account"), cleaned.get("currency"), cleaned.get("amount")
        if account is None or not currency or amount is None:
            return cleaned
        amount = quantize(amount, currency)
        cleaned["amount"] = amount
        explicit: list[tuple[str, Decimal | None]] = []
        for raw in (cleaned.get("invoices") or "").replace(",", "\n").splitlines():
            if not raw.strip():
                continue
            match = INVOICE_LINE.match(raw)
            if not match:
                self.add_error("invoices", _("Cannot read “%(line)s”.") % {"line": raw.strip()})
                return cleaned
            part = match["amount"]
            explicit.append((match["number"], quantize(part.replace(",", "."), currency) if part else None))
        numbers = [number for number, _part in explicit]
        if len(set(numbers)) != len(numbers):
            self.add_error("invoices", _("An invoice is listed twice."))
            return cleaned
        found = {inv.number: inv for inv in Invoice.objects.filter(account=account, number__in=numbers)}
        explicit_parts = dict(explicit)
        errors = []
        for number in numbers:
            invoice = found.get(number)
            if invoice is None:
                errors.append(_("%(number)s is not an invoice of this account.") % {"number": number})
            elif invoice.currency != currency:
                errors.append(
                    _("%(number)s is in %(currency)s.") % {"number": number, "currency": invoice.currency}
                )
            elif invoice.state == InvoiceState.DRAFT:
                errors.append(_("%(number)s is a draft: it is not owed yet.") % {"number": number})
            elif invoice.state == InvoiceState.DISPUTED:
                errors.append(
                    _(
                        "%(number)s is disputed: resolve the dispute first, or leave it out and the money "
                        "becomes account credit."
                    )
                    % {"number": number}
                )
            elif not invoice.can_be_paid() and explicit_parts[number] is not None:
                errors.append(
                    _(
                        "%(number)s has nothing left to pay: list it without an amount and the money "
                        "becomes account credit."
                    )
                    % {"number": number}
                )
        if errors:
            self.add_error("invoices", errors)
            return cleaned
        plan: list[tuple[Invoice, Decimal]] = []
        left = amount
        for number, part in explicit:
            if part is None:
                continue
            invoice = found[number]
            if part <= 0 or part > invoice.amount_due:
                self.add_error(
                    "invoices",
                    _("%(number)s: the amount must be between 0 and its balance of %(balance)s.")
                    % {"number": number, "balance": invoice.amount_due},
                )
                return cleaned
            plan.append((invoice, part))
            left -= part
        if left < 0:
            self.add_error("invoices", _("The invoice amounts add up to more than the amount received."))
            return cleaned
        rest = sorted(
            (found[number] for number, part in explicit if part is None),
            key=lambda inv: (inv.due_date, inv.issue_date, inv.pk),
        )
        for invoice in rest:
            part = min(left, invoice.amount_due)
            if part > 0:
                plan.append((invoice, part))
                left -= part
        cleaned["invoice_amounts"] = plan
        cleaned["credit_left"] = left
        cleaned["advices"] = self._advices(account=account, invoices=list(found.values()))
        return cleaned

    def _advices(self, *, account: CustomerAccount, invoices: list[Invoice]) -> list[RemittanceAdvice]:
        """The announcements this money answers: those named by the pre-fill, else those of the listed invoices."""
        announced = RemittanceAdvice.objects.filter(account=account, status=RemittanceAdvice.Status.ANNOUNCED)
        ids = [
            int(part)
            for part in (self.cleaned_data.get("advices") or "").split(",")
            if part.strip().isdigit()
        ]
        if ids:
            return list(announced.filter(pk__in=ids))
        return list(announced.filter(invoice__in=invoices))


class RefundApproveForm(forms.Form):
    bank_reference = forms.CharField(
        label=_("Bank transfer reference"),
        max_length=200,
        required=False,
        help_text=_("Required unless the refund goes back to a card through Stripe."),
    )
