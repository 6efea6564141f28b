"""Forms of the online pay flow. Amounts typed here are checked against the server's balances by the services."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import PaymentMethod


class PayForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to pay"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        localize=True,  # "1 234,56" typed in French is read as 1234.56
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("The full balance by default. A partial amount pays the oldest due invoices first."),
    )
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect, required=False)
    rewards_code = forms.CharField(
        label=_("Support Rewards code"),
        max_length=40,
        required=False,
        help_text=_(
            "Rewards are applied first to the eligible support; the rest is paid with the method above."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, methods: list[str], rewards: bool, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, PaymentMethod(m).label) for m in methods]
        if len(methods) == 1:
            self.fields["method"].initial = methods[0]
        if not rewards:
            del self.fields["rewards_code"]


class DebitMandateForm(forms.Form):
    account_holder = forms.CharField(label=_("Account holder"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    mandate_accepted = forms.BooleanField(
        label=_("I accept the direct debit mandate above."),
        error_messages={"required": _("Accept the mandate to pay by direct debit.")},
    )
    setup_intent = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mandate_accepted"]
        field.widget.attrs["data-required-message"] = str(field.error_messages["required"])
