"""The pay form. Amounts typed here are checked against what is payable by checkout.services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from payments.models import PaymentMethod


class PayForm(forms.Form):
    amount = AmountField(
        label=_("Amount to pay"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
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

    def __init__(self, *args: Any, methods: Sequence[str], rewards: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.offer_methods(methods)
        if not rewards:
            del self.fields["rewards_code"]

    def offer_methods(self, methods: Sequence[str]) -> None:
        """The policy's methods as the radio choices (one method: already chosen)."""
        field = self.fields["method"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(m, PaymentMethod(m).label) for m in methods]
        if len(methods) == 1:
            field.initial = methods[0]
