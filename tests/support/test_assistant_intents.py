"""Intents on their own data: an order's provisioning and next invoice, a late transfer opening the
pre-filled form, card-only invoices, rewards outside the programme, and the article fallback."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from payments.models import RemittanceAdvice
from support.assistant.answers import Asker
from support.assistant.services import assistant_answer
from tests.factories import MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(account, billing_contact):
    return Asker(user=billing_contact, account=account, language="en", today=datetime.date(2027, 1, 20))


def test_an_order_tells_its_provisioning_and_what_is_invoiced_next(asker, account):
    order = OrderFactory(subscription__account=account, number="ORD-T71234")
    OrderLineFactory(order=order, product="Integration Cloud", provisioned_on=datetime.date(2027, 1, 5))
    OrderLineFactory(order=order, product="Analytics Cloud", provisioned_on=None)
    answer = assistant_answer(asker=asker, message="where is ord-t71234")
    assert answer.intent == "order_status"
    assert "1 of 2 products provisioned" in answer.text
    assert "Analytics Cloud: not provisioned yet" in answer.items
    assert answer.figures["provisioned"] == 1 and answer.figures["products"] == 2


def test_a_late_transfer_opens_the_form_filled_with_invoice_date_and_amount(asker, account, billing_contact):
    invoice = InvoiceFactory(account=account, number="INV-T800001", issue_date=datetime.date(2027, 1, 1))
    RemittanceAdvice.objects.create(
        account=account,
        invoice=invoice,
        method="bank_transfer",
        paid_on=datetime.date(2027, 1, 11),
        amount=invoice.amount_due,
        currency=invoice.currency,
        recorded_by=billing_contact,
    )
    answer = assistant_answer(asker=asker, message="wire sent for INV-T800001 still not received")
    assert answer.intent == "transfer"
    assert answer.figures["reflected_by"] == datetime.date(2027, 1, 14)
    assert "kind=late_transfer" in answer.form_url and "invoice=INV-T800001" in answer.form_url
    assert "payment_date=2027-01-11" in answer.form_url and "payment_amount=1200.00" in answer.form_url


def test_an_invoice_under_the_card_only_line_is_card_only(asker, account):
    InvoiceFactory(account=account, number="INV-T800002", subtotal=Decimal("1000.00"), tax=Decimal("0.00"))
    answer = assistant_answer(asker=asker, message="can i pay INV-T800002 by bank transfer")
    assert answer.intent == "payment_methods"
    assert answer.figures["methods"] == ["card"]
    assert answer.figures["card_only_below"] == Decimal("2000.00")


def test_rewards_outside_the_programme_say_so(asker):
    answer = assistant_answer(asker=asker, message="rewards balance")
    assert answer.intent == "rewards_balance" and "not enrolled" in answer.text


def test_a_viewer_cannot_add_a_teammate_and_is_told_who_can(account, billing_contact):
    viewer = MembershipFactory(account=account, role=Role.VIEWER).user
    asker = Asker(user=viewer, account=account, language="en", today=datetime.date(2027, 1, 20))
    answer = assistant_answer(asker=asker, message="how do i invite a colleague")
    assert answer.intent == "add_teammate" and billing_contact.email in answer.text


def test_a_general_question_is_answered_by_the_best_article_and_nonsense_by_the_menu(asker):
    article = assistant_answer(asker=asker, message="what is bursting")
    assert (article.intent, article.article_slug) == ("article", "overage-and-bursting")
    assert article.links[0].url == "/help/overage-and-bursting/"
    nonsense = assistant_answer(asker=asker, message="xyzzy plugh")
    assert nonsense.intent == "" and "I did not understand" in nonsense.text
