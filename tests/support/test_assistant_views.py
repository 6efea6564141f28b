"""The assistant's panel and page: a plain form without JavaScript, htmx in place, the user's language, a
rate limit, stored conversations, and "talk to someone" filing a request with the conversation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from support.assistant import services
from support.assistant.models import Conversation, ConversationMessage
from support.models import SupportRequest
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def overdue_invoice(account):
    return InvoiceFactory(
        account=account,
        number="INV-T555001",
        issue_date=datetime.date(2026, 9, 1),
        due_date=datetime.date(2026, 10, 1),
        subtotal=Decimal("1000.00"),
        tax=Decimal("200.00"),
    )


def test_every_signed_in_page_has_the_assistant_panel_with_a_plain_form(client_of, billing_contact):
    page = client_of(billing_contact).get(reverse("invoices:index")).content.decode()
    assert 'data-testid="assistant-panel"' in page
    assert f'<form class="assistant-form" method="post" action="{reverse("assistant")}"' in page


def test_without_javascript_the_form_posts_and_the_page_shows_the_conversation(
    client_of, billing_contact, overdue_invoice
):
    client = client_of(billing_contact)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("assistant"), {"message": "status of inv-t555001"})
        assert response.status_code == 302 and response["Location"] == reverse("assistant")
        page = client.get(reverse("assistant")).content.decode()
    assert "status of inv-t555001" in page
    assert "Invoice INV-T555001 is overdue" in page and "$1,200.00" in page
    conversation = Conversation.objects.get(account=billing_contact.memberships.get().account)
    messages = list(conversation.messages.values_list("author", "intent"))
    assert messages == [("user", ""), ("assistant", "invoice_status")]


def test_with_htmx_the_exchange_comes_back_in_place_in_the_users_language(
    client_of, billing_contact, overdue_invoice
):
    client = client_of(billing_contact)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("assistant"),
            {"message": "combien je dois"},
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Solde dû sur le compte" in body and "1\u202f200,00" in body
    assert Conversation.objects.get().language == "fr"


def test_questions_are_rate_limited_per_user(client_of, billing_contact, monkeypatch):
    monkeypatch.setattr(services, "RATE_PER_USER", 2)
    client = client_of(billing_contact)
    for _ in range(2):
        assert (
            client.post(reverse("assistant"), {"message": "hello"}, HTTP_HX_REQUEST="true").status_code == 200
        )
    refused = client.post(reverse("assistant"), {"message": "hello"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert "Wait a minute" in refused.content.decode()
    no_js = client.post(reverse("assistant"), {"message": "hello"}, follow=True)
    assert "Wait a minute" in no_js.content.decode()
    assert ConversationMessage.objects.filter(author="user").count() == 2


def test_a_viewer_asking_to_pay_is_told_who_can(client_of, viewer, billing_contact, overdue_invoice):
    client = client_of(viewer)
    with time_machine.travel(NOW, tick=False):
        body = client.post(
            reverse("assistant"), {"message": "pay INV-T555001"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "lets you see and download invoices, not pay them" in body
    assert billing_contact.email in body


def test_talk_to_someone_files_a_request_with_the_conversation_once(
    client_of, billing_contact, overdue_invoice
):
    client = client_of(billing_contact)
    with time_machine.travel(NOW, tick=True):
        client.post(reverse("assistant"), {"message": "status of INV-T555001"})
        client.post(reverse("assistant"), {"message": "i want to talk to someone"})
        page = client.get(reverse("assistant")).content.decode()
        assert f'action="{reverse("assistant_escalate")}"' in page
        response = client.post(reverse("assistant_escalate"))
        client.post(reverse("assistant_escalate"))  # a double click
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "support:detail", args=[request.pk]
    )
    assert request.kind == "other"
    assert (
        "status of INV-T555001" in request.description
        and "Invoice INV-T555001 is overdue" in request.description
    )
    assert Conversation.objects.get().escalated_request == request


def test_a_dispute_question_links_the_prefilled_dispute_form(client_of, billing_contact, overdue_invoice):
    client = client_of(billing_contact)
    with time_machine.travel(NOW, tick=False):
        body = client.post(
            reverse("assistant"), {"message": "i want to dispute inv-t555001"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    form_url = f"{reverse('support:new')}?kind=dispute&amp;invoice=INV-T555001"
    assert form_url in body
    form = client.get(f"{reverse('support:new')}?kind=dispute&invoice=INV-T555001").content.decode()
    assert "INV-T555001" in form
