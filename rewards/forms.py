from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField


class RedeemForm(forms.Form):
    """Step 1 (preview) and step 2 (confirm, with the token) of a redemption."""

    code = forms.CharField(
        label=_("Rewards code"),
        max_length=40,
        help_text=_("The code in your Support Rewards email, e.g. ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    amount = AmountField(
        label=_("Amount to redeem"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty to use as much as rewards may pay on this invoice."),
    )
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
