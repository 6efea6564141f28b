"""Every intent answers only from the asker's current account: a number from another account gets exactly
the answer a number that does not exist gets, with no hint that it exists."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from support.assistant.answers import Asker
from support.assistant.intents import handlers
from support.assistant.router import route
from support.assistant.services import assistant_answer, assistant_read
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 16)
NOBODYS_INVOICE = "INV-T999999"
NOBODYS_ORDER = "ORD-T99999"

# One message per intent, naming an invoice ({invoice}) or an order ({order}).
MESSAGES = {
    "balance": "what do i owe on {invoice}",
    "invoice_status": "status of {invoice}",
    "invoice_why_amount": "why this amount on {invoice}",
    "download_invoice": "download invoice {invoice}",
    "transfer": "i sent a wire for {invoice}, when will it close",
    "payment_methods": "which payment methods for {invoice}",
    "pay": "pay {invoice}",
    "rewards_balance": "rewards balance {invoice}",
    "rewards_expiry": "when do my rewards expire {invoice}",
    "rewards_ineligible": "why cant i use rewards on {invoice}",
    "order_status": "status of order {order}",
    "billing_contact": "who is our billing contact for {invoice}",
    "add_teammate": "how do i add a colleague to see {invoice}",
    "dispute": "i want to dispute {invoice}",
    "vat": "change our vat number on {invoice}",
    "po": "add a po number to {invoice}",
    "cancellation": "cancel my subscription {order}",
    "refund": "i paid twice, refund {invoice}",
    "talk_to_human": "talk to someone about {invoice}",
}


@pytest.fixture
def world():
    mine, theirs = CustomerAccountFactory(), CustomerAccountFactory()
    asker = MembershipFactory(account=mine, role=Role.BILLING_CONTACT).user
    MembershipFactory(account=theirs, role=Role.BILLING_CONTACT)
    their_invoice = InvoiceFactory(account=theirs, kind="support_renewal")
    their_order = OrderFactory(subscription__account=theirs)
    InvoiceLineFactory(
        invoice=their_invoice, order_number=their_order.number, is_rewards_eligible_support=True
    )
    my_invoice = InvoiceFactory(account=mine)
    return {
        "asker": Asker(user=asker, account=mine, language="en", today=TODAY),
        "their_invoice": their_invoice.number,
        "their_order": their_order.number,
        "my_invoice": my_invoice.number,
    }


def _normalized(answer, *numbers: str) -> tuple:
    def clean(value) -> str:
        text = str(value)
        for number in numbers:
            text = text.replace(number, "NUMBER").replace(number.upper(), "NUMBER")
        return text

    return (
        answer.intent,
        clean(answer.text),
        [clean(item) for item in answer.items],
        [(clean(link.label), clean(link.url), link.method) for link in answer.links],
        {key: clean(value) for key, value in answer.figures.items()},
        clean(answer.form_url),
        answer.article_slug,
    )


def test_every_intent_has_a_message_here():
    assert set(MESSAGES) == set(handlers())


@pytest.mark.parametrize("intent", sorted(MESSAGES))
def test_another_accounts_number_is_answered_like_a_number_that_does_not_exist(intent, world):
    theirs = MESSAGES[intent].format(invoice=world["their_invoice"], order=world["their_order"])
    nobodys = MESSAGES[intent].format(invoice=NOBODYS_INVOICE, order=NOBODYS_ORDER)
    assert route(assistant_read(theirs, today=TODAY)).intent == intent
    assert route(assistant_read(nobodys, today=TODAY)).intent == intent

    answer_theirs = assistant_answer(asker=world["asker"], message=theirs)
    answer_nobodys = assistant_answer(asker=world["asker"], message=nobodys)

    numbers_theirs = (world["their_invoice"], world["their_order"])
    assert _normalized(answer_theirs, *numbers_theirs) == _normalized(
        answer_nobodys, NOBODYS_INVOICE, NOBODYS_ORDER
    )


@pytest.mark.parametrize(
    "intent", ["invoice_status", "invoice_why_amount", "download_invoice", "pay", "dispute"]
)
def test_the_askers_own_number_is_answered(intent, world):
    """The control: the same message with the asker's own invoice is answered from it."""
    own = assistant_answer(
        asker=world["asker"], message=MESSAGES[intent].format(invoice=world["my_invoice"], order="")
    )
    unknown = assistant_answer(
        asker=world["asker"], message=MESSAGES[intent].format(invoice=NOBODYS_INVOICE, order="")
    )
    assert own.text != unknown.text.replace(NOBODYS_INVOICE, world["my_invoice"])
    assert "unknown" not in own.figures
