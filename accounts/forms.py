from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.activity import KIND_LABELS, action_label, actor_choice_label
from accounts.models import BillingContactGrantMode, ContactKind, Role, User

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def role_choices() -> list[tuple[str, StrPromise]]:
    return [(role.value, role.label) for role in Role]


class RoleField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", role_choices)
        kwargs.setdefault("label", _("Role"))
        super().__init__(**kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = RoleField(initial=Role.VIEWER)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleChangeForm(forms.Form):
    role = RoleField()


class BillingDetailsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class AccountContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Leave empty to stop sending invoice copies to this contact."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ChoiceField(label=_("Person"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, kinds: list[str], actions: list[str], actors: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        kind, action, actor = self.fields["kind"], self.fields["action"], self.fields["actor"]
        # All are declared as ChoiceFields above; self.fields is typed as plain Fields.
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(action, forms.ChoiceField) and isinstance(actor, forms.ChoiceField)
        kind.choices = [("", _("All kinds"))] + [(k, KIND_LABELS[k]) for k in kinds]
        labelled = sorted(((a, action_label(a)) for a in actions), key=lambda choice: choice[1])
        action.choices = [("", str(_("All actions"))), *labelled]
        actor.choices = [("", _("Everyone"))] + [(a, actor_choice_label(a)) for a in actors]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class BillingContactGrantForm(forms.Form):
    """Staff form in the admin: who becomes billing contact, how, and why."""

    email = forms.EmailField(
        label=_("Email of the new billing contact"),
        help_text=_("The person must have signed up and verified this address."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=BillingContactGrantMode.choices, initial=BillingContactGrantMode.TRANSFER
    )
    remove_previous = forms.BooleanField(
        label=_("Remove the previous billing contacts from the team"),
        required=False,
        help_text=_("Only for a transfer. Left unticked, they stay on the team as payers."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded with the change and shown in the account's activity log, e.g. the ticket number."
        ),
    )

    def clean_email(self) -> str:
        from allauth.account.models import EmailAddress

        email = self.cleaned_data["email"].strip().lower()
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        if address is None:
            raise forms.ValidationError(
                _("No one has signed up and verified %(email)s yet. Ask them to sign up first.")
                % {"email": email}
            )
        if address.user.is_staff:
            raise forms.ValidationError(_("Vendor staff cannot be members of a customer account."))
        self.user: User = address.user
        return email

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        return reason


CONTACT_KINDS_IN_COPY = [ContactKind.DUNNING, ContactKind.ACCOUNT]
