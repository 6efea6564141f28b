"""The billing contact opens the co-termed SaaS line's "Why this amount?", then the subscription's plan and
upcoming invoices, in English and in French (and axe finds nothing serious on either page)."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import OrderLine
from orders.services import order_line_provision, plan_invoices_issue_due
from tests.e2e.test_accessibility import serious_violations
from tests.orders.factories import subscription_with_products

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
day = datetime.date

TEXTS = {
    "en": {
        "why": "Why this amount?",
        "rule": "Prorated to the co-term end",
        "arithmetic": "$48,000.00 × 11 ÷ 24 months = $22,000.00.",
        "link": "See the subscription's billing plan and upcoming invoices",
        "upcoming": "$48,000.00",
        "progress": "2 of 2 products provisioned",
    },
    "fr": {
        "why": "Pourquoi ce montant\u202f?",
        "rule": "Au prorata jusqu’à la fin commune",
        "arithmetic": "48\u202f000,00\u00a0$US × 11 ÷ 24 mois = 22\u202f000,00\u00a0$US.",
        "link": "Voir le plan de facturation de l’abonnement et les prochaines factures",
        "upcoming": "48\u202f000,00\u00a0$US",
        "progress": "2 produits provisionnés sur 2",
    },
}


@pytest.fixture
def saas_invoice(account):
    subscription = subscription_with_products(
        account=account,
        products=[
            ("Integration Cloud (PaaS)", "48000", day(2027, 1, 1)),
            ("Fusion ERP (SaaS)", "48000", None),
        ],
        order_number="ORD-COTERM",
        start_date=day(2027, 1, 1),
        term_months=24,
    )
    plan_invoices_issue_due(today=day(2027, 1, 16), notify=False)
    order_line_provision(
        line=OrderLine.objects.get(product="Fusion ERP (SaaS)"), provisioned_on=day(2027, 2, 1)
    )
    (invoice,) = plan_invoices_issue_due(today=day(2027, 2, 1), notify=False).invoices
    assert invoice.total == Decimal("22000.00")
    return subscription, invoice


@pytest.mark.parametrize("language", ["en", "fr"])
def test_billing_contact_reads_why_this_amount_then_the_plan(
    sign_in, billing_contact, live_server, saas_invoice, language
):
    subscription, invoice = saas_invoice
    text = TEXTS[language]
    page = sign_in(billing_contact)
    if language == "fr":
        page.get_by_role("button", name="Français").click()
    page.goto(f"{live_server.url}/invoices/{invoice.number}/")
    panel = page.get_by_test_id("why-this-amount")
    expect(panel.get_by_text(text["rule"])).not_to_be_visible()
    panel.get_by_text(text["why"]).click()
    expect(panel.get_by_text(text["rule"])).to_be_visible()
    expect(panel.get_by_text(text["arithmetic"])).to_be_visible()
    assert not serious_violations(page)

    panel.get_by_role("link", name=text["link"]).click()
    page.wait_for_url(f"{live_server.url}/orders/subscriptions/{subscription.number}/")
    expect(page.get_by_test_id("plan-row")).to_have_count(4)  # two products × two annual periods
    expect(page.get_by_test_id("plan-timeline")).to_be_visible()
    upcoming = page.get_by_test_id("upcoming-invoices")
    expect(upcoming).to_contain_text(text["upcoming"])  # year two: PaaS 24 000 + SaaS 24 000
    assert not serious_violations(page)

    page.get_by_role("link", name="ORD-COTERM").first.click()
    expect(page.get_by_text(text["progress"])).to_be_visible()
    expect(page.get_by_test_id("order-invoices").get_by_role("link")).to_have_count(2)  # PaaS, then SaaS
    assert not serious_violations(page)
    page.goto(f"{live_server.url}/orders/")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    assert not serious_violations(page)
