"""The request form: one field set per kind (KIND_FORM_FIELDS), files read from request.FILES by the view
(checked by content in support.attachments, never trusted by name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from invoices.models import Invoice, InvoiceLine
from support.models import DisputeReason, Outcome, RequestKind

# Which fields each kind's form shows, in order (files and the message are on every form).
KIND_FORM_FIELDS: dict[str, tuple[str, ...]] = {
    RequestKind.DISPUTE: ("invoice", "lines", "dispute_reason", "contested_amount"),
    RequestKind.PO_NUMBER: ("po_number", "po_value", "po_valid_until"),
    RequestKind.TAX_NUMBER: ("tax_number", "tax_country"),
    RequestKind.BILLING_DETAILS: (
        "new_legal_name",
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "region",
    ),
    RequestKind.LATE_TRANSFER: ("invoice", "payment_date", "payment_amount"),
    RequestKind.PAYMENT_DETAILS: (),
    RequestKind.CANCELLATION: ("services", "effective_date"),
    RequestKind.SERVICE_CREDIT: ("invoice", "services", "requested_amount"),
    RequestKind.OTHER: ("subject",),
}
ADDRESS_FIELDS = ("address_line1", "address_line2", "postal_code", "city", "region")
REQUIRED: dict[str, tuple[str, ...]] = {
    RequestKind.DISPUTE: ("invoice", "dispute_reason", "description"),
    RequestKind.PO_NUMBER: ("po_number",),
    RequestKind.TAX_NUMBER: ("tax_number", "tax_country"),
    RequestKind.LATE_TRANSFER: ("invoice", "payment_date", "payment_amount"),
    RequestKind.PAYMENT_DETAILS: ("description",),
    RequestKind.CANCELLATION: ("services", "description"),
    RequestKind.SERVICE_CREDIT: ("services", "description"),
    RequestKind.OTHER: ("description",),
}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)
    lines = forms.MultipleChoiceField(
        label=_("Lines you contest"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every line unticked to contest the whole invoice."),
    )
    dispute_reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *DisputeReason.choices], required=False
    )
    contested_amount = AmountField(
        label=_("Amount contested"),
        required=False,
        help_text=_("Leave empty: the lines ticked, or the whole invoice."),
    )
    po_number = forms.CharField(label=_("Purchase order number"), max_length=60, required=False)
    po_value = AmountField(label=_("Purchase order value"), required=False)
    po_valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    tax_number = forms.CharField(label=_("New VAT / tax number"), max_length=40, required=False)
    tax_country = forms.CharField(
        label=_("Country (two letters)"),
        max_length=2,
        min_length=2,
        required=False,
        help_text=_("For example FR."),
    )
    new_legal_name = forms.CharField(label=_("New legal name"), max_length=200, required=False)
    address_line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    address_line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("State / region"), max_length=100, required=False)
    payment_date = forms.DateField(label=_("Payment date"), required=False, widget=DATE)
    payment_amount = AmountField(label=_("Amount paid"), required=False)
    services = forms.CharField(label=_("Services concerned"), max_length=300, required=False)
    effective_date = forms.DateField(label=_("From"), required=False, widget=DATE)
    requested_amount = AmountField(label=_("Amount requested"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Your message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Never write card numbers or bank passwords here."),
    )

    def __init__(self, *args, kind: str, invoices: list[Invoice], lines: list[InvoiceLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.invoices = {invoice.number: invoice for invoice in invoices}
        self.invoice_lines = {str(line.pk): line for line in lines}
        shown = set(KIND_FORM_FIELDS[kind]) | {"description"}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        for name in REQUIRED.get(kind, ()):
            if name in self.fields:
                self.fields[name].required = True
        if "invoice" in self.fields:
            self.fields["invoice"].choices = [("", "—")] + [(number, number) for number in self.invoices]  # type: ignore[attr-defined]
        if "lines" in self.fields:
            if lines:
                self.fields["lines"].choices = [(str(line.pk), line.display_description) for line in lines]  # type: ignore[attr-defined]
            else:
                del self.fields["lines"]

    def clean(self):
        data = super().clean()
        invoice = self.invoices.get(data.get("invoice") or "")
        data["invoice_obj"] = invoice
        data["line_objs"] = [
            self.invoice_lines[pk] for pk in data.get("lines") or [] if pk in self.invoice_lines
        ]
        if self.kind == RequestKind.BILLING_DETAILS and not (
            data.get("new_legal_name") or any(data.get(name) for name in ADDRESS_FIELDS)
        ):
            raise forms.ValidationError(_("Enter the new legal name or the new billing address."))
        if data.get("tax_country"):
            data["tax_country"] = data["tax_country"].upper()
        return data

    def service_fields(self) -> dict:
        """The typed fields for support.services.request_open."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in self.fields
            if name not in ("invoice", "lines", "subject", "description", *ADDRESS_FIELDS)
            and data.get(name) not in (None, "")
        }
        address = {name: data[name] for name in ADDRESS_FIELDS if data.get(name)}
        if address:
            fields["new_address"] = address
        return fields


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(label=_("Internal note (not sent to the customer)"), required=False)
    wait_for_customer = forms.BooleanField(
        label=_("Ask the customer and wait for their answer"), required=False
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    amount = AmountField(
        label=_("Credit memo amount"),
        required=False,
        help_text=_("Credit memo only; empty: the contested lines, else the contested amount."),
    )
    new_invoice = forms.CharField(
        label=_("New invoice number"),
        required=False,
        help_text=_("Reissue only; empty: a corrected copy without the contested lines is issued."),
    )
    message = forms.CharField(label=_("Answer to the customer"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, outcomes: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(value, Outcome(value).label) for value in outcomes]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assigned_to = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, staff_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", "—"), *staff_choices]  # type: ignore[attr-defined]
