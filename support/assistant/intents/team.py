"""Who the billing contact is, and how to add a teammate (only a billing contact can)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import ContactKind
from accounts.selectors import account_contacts, billing_contacts_of
from support.assistant.answers import Answer, Asker, Link
from support.assistant.text import Reading


def _people(users) -> str:
    return ", ".join(f"{user.get_full_name() or user.email} ({user.email})" for user in users)


def billing_contact(asker: Asker, reading: Reading) -> Answer:
    members = billing_contacts_of(account=asker.account)
    contacts = account_contacts(account=asker.account)
    on_file = contacts.get(ContactKind.BILLING)
    items = []
    if on_file is not None:
        items.append(
            _("Invoices are emailed to %(name)s (%(email)s).")
            % {"name": on_file.name or on_file.email, "email": on_file.email}
        )
    copied = [contact.email for kind, contact in contacts.items() if kind != ContactKind.BILLING]
    if copied:
        items.append(_("In copy: %(emails)s.") % {"emails": ", ".join(copied)})
    links = []
    if asker.may("accounts.manage_contacts"):
        links.append(Link(_("Update the contacts"), reverse("team_contacts")))
    return Answer(
        intent="billing_contact",
        text=(
            _(
                "The billing contact of %(account)s is %(people)s: they receive the invoices, pay, and share access with the team."
            )
            % {"account": asker.account.legal_name, "people": _people(members)}
            if members
            else _(
                "The account %(account)s has no billing contact in the portal: billing support can name one."
            )
            % {"account": asker.account.legal_name}
        ),
        items=items,
        links=links,
        figures={"billing_contacts": [user.email for user in members] + ([on_file.email] if on_file else [])},
        article_slug="billing-contact",
    )


def add_teammate(asker: Asker, reading: Reading) -> Answer:
    if asker.may("accounts.manage_team"):
        return Answer(
            intent="add_teammate",
            text=_(
                "Open Team and choose Invite: enter your colleague's email and a role (viewer: sees and downloads; "
                "payer: also pays and redeems rewards; billing contact: also manages the team). They get an "
                "email with a link to join."
            ),
            links=[Link(_("Invite a teammate"), reverse("team_invite"))],
            article_slug="team-and-roles",
        )
    members = billing_contacts_of(account=asker.account)
    return Answer(
        intent="add_teammate",
        text=_("Only a billing contact can invite someone to %(account)s. Ask %(people)s.")
        % {"account": asker.account.legal_name, "people": _people(members) or _("the billing support team")},
        figures={"billing_contacts": [user.email for user in members]},
        article_slug="team-and-roles",
    )
