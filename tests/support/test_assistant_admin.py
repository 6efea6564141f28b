"""Staff read the assistant's conversations from the account in the admin; they cannot change them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.assistant.services import assistant_ask
from tests.factories import staff_sign_in, staff_user

pytestmark = pytest.mark.django_db


def test_staff_read_conversations_from_the_account_page(client, account, billing_contact):
    exchange = assistant_ask(user=billing_contact, account=account, message="what do i owe", language="en")
    staff_sign_in(client, staff_user())
    account_page = client.get(
        reverse("admin:accounts_customeraccount_change", args=[account.pk])
    ).content.decode()
    conversation_url = reverse("admin:support_conversation_change", args=[exchange.conversation.pk])
    assert conversation_url in account_page
    page = client.get(conversation_url).content.decode()
    assert "what do i owe" in page and "Nothing is due on the account" in page
    listing = client.get(reverse("admin:support_conversation_changelist"), {"q": account.customer_number})
    assert conversation_url in listing.content.decode()
    assert client.post(conversation_url, {}).status_code == 403
