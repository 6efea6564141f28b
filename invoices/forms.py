from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FilterDateInput, FilterSelect, FilterTextInput
from invoices.models import InvoiceKind, InvoiceStatus
from invoices.selectors import DEFAULT_SORT, SORTS, InvoiceListFilters

SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


class InvoiceFilterForm(forms.Form):
    """The Invoices page's filters, read from the query string (GET): a bookmarkable, shareable list."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=FilterTextInput,
        help_text=_("Invoice, PO or order number"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *InvoiceStatus.choices],
        widget=FilterSelect,
    )
    issued_from = forms.DateField(
        label=_("Issued from"), required=False, widget=FilterDateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        label=_("Issued to"), required=False, widget=FilterDateInput(attrs={"type": "date"})
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, widget=FilterSelect)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *InvoiceKind.choices],
        widget=FilterSelect,
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, currencies: Callable[[], list[str]], **kwargs):
        """`currencies()` gives the account's currencies, called only if the choices are used."""
        super().__init__(*args, **kwargs)
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)  # declared above; self.fields is typed as plain Fields
        # Django calls a callable's choices at each use (validation, then each render of the select).
        currency.choices = functools.cache(
            lambda: [("", _("Any currency"))] + [(code, code) for code in currencies()]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("issued_from"), cleaned.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self) -> InvoiceListFilters:
        """The valid part of the filters: a field with an error is ignored, never guessed."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        range_ok = not ({"issued_from", "issued_to"} & set(self.errors))
        return InvoiceListFilters(
            status=data.get("status") or "",
            issued_from=data.get("issued_from") if range_ok else None,
            issued_to=data.get("issued_to") if range_ok else None,
            currency=data.get("currency") or "",
            kind=data.get("kind") or "",
            query=(data.get("q") or "").strip(),
            sort=data.get("sort") or DEFAULT_SORT,
        )
