"""The direct debit mandate form (pay by debit, automatic payment). The pay form lives in checkout/forms.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DebitMandateForm(forms.Form):
    account_holder = forms.CharField(label=_("Account holder"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    mandate_accepted = forms.BooleanField(
        label=_("I accept the direct debit mandate above."),
        error_messages={"required": _("Accept the mandate to pay by direct debit.")},
    )
    setup_intent = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mandate_accepted"]
        field.widget.attrs["data-required-message"] = str(field.error_messages["required"])
