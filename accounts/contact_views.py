"""Contacts tab of the Team section: the billing contact's own details and the contacts in copy."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import contact_services, selectors
from accounts.decorators import account_required
from accounts.forms import AccountContactForm, BillingDetailsForm
from accounts.models import ContactKind
from accounts.views import forbidden


def _contact_forms(account, user, data=None, which: str | None = None) -> dict:
    contacts = selectors.account_contacts(account=account)
    billing = contacts.get(ContactKind.BILLING)
    forms: dict[str, BillingDetailsForm | AccountContactForm] = {
        ContactKind.BILLING: BillingDetailsForm(
            data if which == ContactKind.BILLING else None,
            prefix=ContactKind.BILLING,
            initial={
                "name": billing.name
                if billing and billing.email.lower() == user.email.lower()
                else user.get_full_name(),
                "phone": billing.phone if billing else "",
            },
        )
    }
    for kind in (ContactKind.DUNNING, ContactKind.ACCOUNT):
        contact = contacts.get(kind)
        forms[kind] = AccountContactForm(
            data if which == kind else None,
            prefix=kind,
            initial={"name": contact.name, "email": contact.email, "phone": contact.phone} if contact else {},
        )
    return {"contacts": contacts, "billing": billing, "forms": forms}


@account_required
@require_http_methods(["GET", "POST"])
def team_contacts(request):
    account = request.account
    if not request.user.has_perm("accounts.manage_contacts", account):
        return forbidden(request, account=account, what=_("Only a billing contact can change the contacts."))
    which = request.POST.get("contact") if request.method == "POST" else None
    if which not in (None, *ContactKind.values):
        which = None
    state = _contact_forms(account, request.user, request.POST, which)
    if which:
        form = state["forms"][which]
        if form.is_valid():
            data = form.cleaned_data
            if which == ContactKind.BILLING:
                contact_services.contact_billing_update(
                    actor=request.user,
                    account=account,
                    name=data["name"],
                    phone=data["phone"],
                    request=request,
                )
            else:
                contact_services.contact_update(
                    actor=request.user,
                    account=account,
                    kind=which,
                    name=data["name"],
                    email=data["email"] or "",
                    phone=data["phone"],
                    request=request,
                )
            messages.success(request, _("%(kind)s saved.") % {"kind": ContactKind(which).label})
            return redirect("team_contacts")
    sections = [
        (kind, ContactKind(kind).label, state["forms"][kind], state["contacts"].get(kind))
        for kind in (ContactKind.DUNNING, ContactKind.ACCOUNT)
    ]
    return render(
        request,
        "accounts/contacts.html",
        {
            "account": account,
            "billing": state["billing"],
            "billing_form": state["forms"][ContactKind.BILLING],
            "sections": sections,
            "tab": "contacts",
        },
    )
