"""Contacts: the billing contact's own details, the dunning and account contacts, a verified email change."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import AccountContact, ActivityEntry, ContactKind
from tests.factories import enter_verification_code

pytestmark = pytest.mark.django_db


def test_the_billing_contact_updates_their_details_and_it_is_logged(client_of, billing_contact, account):
    response = client_of(billing_contact).post(
        reverse("team_contacts"),
        {"contact": "billing", "billing-name": "Alice Payne", "billing-phone": "+1 415 555 0100"},
    )
    assert response.status_code == 302
    contact = AccountContact.objects.get(account=account, kind=ContactKind.BILLING)
    assert (contact.name, contact.email, contact.phone) == (
        "Alice Payne",
        billing_contact.email,
        "+1 415 555 0100",
    )
    entry = ActivityEntry.objects.get(account=account, action="contact.changed")
    assert entry.details["after"]["phone"] == "+1 415 555 0100"


def test_the_dunning_contact_is_set_then_cleared(client_of, billing_contact, account):
    client = client_of(billing_contact)
    client.post(
        reverse("team_contacts"),
        {
            "contact": "dunning",
            "dunning-name": "Dana",
            "dunning-email": "Dunning@Example.test",
            "dunning-phone": "",
        },
    )
    assert (
        AccountContact.objects.get(account=account, kind=ContactKind.DUNNING).email == "dunning@example.test"
    )
    client.post(
        reverse("team_contacts"),
        {"contact": "dunning", "dunning-name": "", "dunning-email": "", "dunning-phone": ""},
    )
    assert not AccountContact.objects.filter(account=account, kind=ContactKind.DUNNING).exists()
    assert ActivityEntry.objects.filter(account=account, action="contact.changed").count() == 2


def test_an_invalid_contact_email_keeps_the_input_and_shows_the_error(client_of, billing_contact, account):
    response = client_of(billing_contact).post(
        reverse("team_contacts"),
        {"contact": "account", "account-name": "Finance", "account-email": "nope", "account-phone": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address" in body
    assert 'value="Finance"' in body
    assert not AccountContact.objects.filter(account=account, kind=ContactKind.ACCOUNT).exists()


@pytest.mark.parametrize("role", ["payer", "viewer"])
def test_only_the_billing_contact_may_change_contacts(client_of, account, billing_contact, role):
    from tests.factories import MembershipFactory

    user = MembershipFactory(account=account, role=role).user
    client = client_of(user)
    assert client.get(reverse("team_contacts")).status_code == 403
    response = client.post(
        reverse("team_contacts"), {"contact": "dunning", "dunning-email": "evil@example.test"}
    )
    assert response.status_code == 403
    assert not AccountContact.objects.filter(account=account).exists()


def test_a_new_billing_contact_email_takes_effect_only_once_verified(client_of, billing_contact, account):
    AccountContact.objects.create(account=account, kind=ContactKind.BILLING, email=billing_contact.email)
    client = client_of(billing_contact)
    client.post(reverse("account_email"), {"action_add": "", "email": "new-ap@example.test"})
    assert (
        AccountContact.objects.get(account=account, kind=ContactKind.BILLING).email == billing_contact.email
    )

    enter_verification_code(client)  # the code of the email, typed on the page adding the address led to
    assert EmailAddress.objects.get(email="new-ap@example.test").verified
    client.post(reverse("account_email"), {"action_primary": "", "email": "new-ap@example.test"})

    assert (
        AccountContact.objects.get(account=account, kind=ContactKind.BILLING).email == "new-ap@example.test"
    )
    assert ActivityEntry.objects.filter(
        account=account, action="contact.changed", params__email="new-ap@example.test"
    ).exists()
