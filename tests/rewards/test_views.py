import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Sector
from payments.models import Payment
from rewards.models import Redemption, RewardAdjustment
from rewards.services import rewards_expire_due
from tests.factories import CustomerAccountFactory
from tests.rewards.factories import RewardLotFactory, support_invoice

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def invoice(account):
    return support_invoice(account)


def redeem_url(invoice):
    return reverse("rewards:redeem", args=[invoice.number])


def test_rewards_page_shows_balance_lots_soonest_expiry_and_activity(
    client_of, billing_contact, rewards_account
):
    soonest = RewardLotFactory(
        rewards_account=rewards_account,
        month_earned=datetime.date.today().replace(day=1) - datetime.timedelta(days=200),
        amount=D("40.00"),
    )
    RewardLotFactory(rewards_account=rewards_account, amount=D("60.00"))
    RewardLotFactory(
        rewards_account=rewards_account, month_earned=datetime.date(2021, 12, 1), amount=D("5.00")
    )
    rewards_expire_due()
    response = client_of(billing_contact).get(reverse("rewards:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "$100.00" in html  # balance: the expired 5.00 is gone
    assert "rewards-lot--soonest" in html
    assert soonest.expires_on.strftime("%m/%d/%Y") in html or "expires soonest" in html
    assert "Expired: rewards earned in December 2021" in html
    assert response.context["summary"].next_expiry == soonest.expires_on


def test_us_federal_customers_see_an_explanation_instead_of_the_rewards_pages(
    client_of, billing_contact, account, invoice
):
    account.sector = Sector.US_FEDERAL
    account.save()
    client = client_of(billing_contact)
    for url in (reverse("rewards:index"), redeem_url(invoice)):
        response = client.get(url)
        assert response.status_code == 200
        assert b"rewards-not-available" in response.content
        assert b"discounts on their support renewal invoices" in response.content


def test_not_enrolled_account_sees_how_to_join(client_of, billing_contact):
    response = client_of(billing_contact).get(reverse("rewards:index"))
    assert b"rewards-not-enrolled" in response.content


def test_viewer_sees_the_rewards_page_but_gets_403_on_redeem(client_of, viewer, rewards_account, invoice):
    client = client_of(viewer)
    assert client.get(reverse("rewards:index")).status_code == 200
    assert client.get(redeem_url(invoice)).status_code == 403
    assert client.post(redeem_url(invoice), {"code": rewards_account.code}).status_code == 403


def test_another_accounts_invoice_is_404(client_of, billing_contact, rewards_account):
    foreign = support_invoice(CustomerAccountFactory())
    assert client_of(billing_contact).get(redeem_url(foreign)).status_code == 404


def test_another_accounts_receipt_is_404(client_of, billing_contact, outsider, rewards_account, invoice):
    RewardLotFactory(rewards_account=rewards_account)
    client = client_of(billing_contact)
    preview = client.post(redeem_url(invoice), {"step": "preview", "code": rewards_account.code})
    token = preview.context["confirm_form"]["token"].value()
    client.post(
        redeem_url(invoice),
        {"step": "confirm", "code": rewards_account.code, "amount": "100.00", "token": token},
    )
    payment = Payment.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("rewards:receipt", args=[payment.reference])).status_code == 404


def test_preview_then_confirm_applies_rewards_and_shows_the_result(
    client_of, billing_contact, rewards_account, invoice
):
    RewardLotFactory(rewards_account=rewards_account, amount=D("300.00"))
    client = client_of(billing_contact)
    assert client.get(redeem_url(invoice)).status_code == 200
    preview = client.post(redeem_url(invoice), {"step": "preview", "code": rewards_account.code_display})
    assert preview.status_code == 200
    assert b"rewards-preview" in preview.content
    assert not Redemption.objects.exists()  # a preview writes nothing
    token = preview.context["confirm_form"]["token"].value()
    data = {"step": "confirm", "code": rewards_account.code, "amount": "300.00", "token": token}
    response = client.post(redeem_url(invoice), data)
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:receipt", args=[payment.reference])
    receipt = client.get(response["Location"])
    assert b"$782.50" in receipt.content  # 1 082.50 − 300.00 still due
    invoice.refresh_from_db()
    assert invoice.amount_due == D("782.50")


def test_double_submit_of_the_confirmation_redeems_once(client_of, billing_contact, rewards_account, invoice):
    RewardLotFactory(rewards_account=rewards_account, amount=D("300.00"))
    client = client_of(billing_contact)
    preview = client.post(redeem_url(invoice), {"step": "preview", "code": rewards_account.code})
    token = preview.context["confirm_form"]["token"].value()
    data = {"step": "confirm", "code": rewards_account.code, "amount": "150.00", "token": token}
    first = client.post(redeem_url(invoice), data)
    second = client.post(redeem_url(invoice), data)
    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1
    assert Redemption.objects.count() == 1


def test_wrong_code_shows_the_error_beside_the_field_and_keeps_the_input(
    client_of, billing_contact, rewards_account, invoice
):
    RewardLotFactory(rewards_account=rewards_account)
    response = client_of(billing_contact).post(
        redeem_url(invoice), {"step": "preview", "code": "WRONG-CODE-1234"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "not valid for this account" in html
    assert 'value="WRONG-CODE-1234"' in html
    assert 'aria-invalid="true"' in html


def test_tampered_confirmation_amount_is_refused(client_of, billing_contact, rewards_account, invoice):
    RewardLotFactory(rewards_account=rewards_account, amount=D("5000.00"))
    data = {"step": "confirm", "code": rewards_account.code, "amount": "1082.50", "token": "forged"}
    response = client_of(billing_contact).post(redeem_url(invoice), data)
    assert response.status_code == 422
    assert b"Rewards can pay at most $1,000.00" in response.content
    assert not Payment.objects.exists()


def test_activity_csv_export(client_of, billing_contact, rewards_account, invoice):
    RewardLotFactory(rewards_account=rewards_account, amount=D("300.00"))
    RewardAdjustment.objects.create(
        rewards_account=rewards_account,
        lot=RewardLotFactory(rewards_account=rewards_account, source="adjustment", amount=D("1.00")),
        amount=D("1.00"),
        currency="USD",
        reason="=HYPERLINK(evil)",
    )
    response = client_of(billing_contact).get(reverse("rewards:activity_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Date", "Type", "Description", "Amount"]
    kinds = {row[1] for row in rows[1:]}
    assert {"deposit", "adjustment"} <= kinds
    assert all(not row[2].startswith("=") for row in rows[1:])


def test_dashboard_shows_the_rewards_balance_card(client_of, billing_contact, rewards_account):
    RewardLotFactory(rewards_account=rewards_account, amount=D("123.45"))
    response = client_of(billing_contact).get(reverse("dashboard"))
    assert b'data-testid="rewards-card"' in response.content
    assert b"$123.45" in response.content


def test_dashboard_has_no_rewards_card_without_enrollment(client_of, billing_contact):
    response = client_of(billing_contact).get(reverse("dashboard"))
    assert b'data-testid="rewards-card"' not in response.content


def test_redeem_form_include_renders_on_its_own(rf, billing_contact, invoice):
    from django.template.loader import render_to_string

    html = render_to_string("rewards/_redeem_form.html", {"invoice": invoice}, request=rf.get("/"))
    assert f'action="{redeem_url(invoice)}"' in html
    assert 'name="code"' in html


def test_rewards_page_lists_the_invoices_rewards_can_pay_with_a_link_to_redeem(
    client_of, billing_contact, account, rewards_account, invoice
):
    from invoices.models import InvoiceKind

    RewardLotFactory(rewards_account=rewards_account)
    cloud = support_invoice(account, kind=InvoiceKind.CLOUD_SUBSCRIPTION)
    response = client_of(billing_contact).get(reverse("rewards:index"))
    assert [inv.number for inv in response.context["payable"]] == [invoice.number]
    assert redeem_url(invoice).encode() in response.content
    assert redeem_url(cloud).encode() not in response.content


def test_htmx_preview_answers_the_panel_alone_with_errors_in_place(
    client_of, billing_contact, rewards_account, invoice
):
    RewardLotFactory(rewards_account=rewards_account)
    response = client_of(billing_contact).post(
        redeem_url(invoice), {"step": "preview", "code": "NOPE"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "not valid for this account" in html


def test_ineligible_invoice_page_says_why_and_offers_another_way(
    client_of, billing_contact, account, rewards_account
):
    from invoices.models import InvoiceKind

    RewardLotFactory(rewards_account=rewards_account)
    cloud = support_invoice(account, kind=InvoiceKind.CLOUD_SUBSCRIPTION)
    java = support_invoice(account, lines=[("Java SE Subscription", D("100.00"), True)])
    client = client_of(billing_contact)
    cloud_page = client.get(redeem_url(cloud)).content.decode()
    assert "Only Technology Programs support renewal invoices" in cloud_page
    assert 'name="code"' not in cloud_page
    java_page = client.get(redeem_url(java)).content.decode()
    assert "Java SE Subscription: Support Rewards do not pay Java products" in java_page
    assert reverse("payments:pay") in java_page


def test_french_amount_with_a_decimal_comma_is_understood(
    client_of, billing_contact, rewards_account, invoice
):
    from django.utils import translation

    RewardLotFactory(rewards_account=rewards_account, amount=D("300.00"))
    client = client_of(billing_contact)
    with translation.override("fr"):
        response = client.post(
            redeem_url(invoice),
            {"step": "preview", "code": rewards_account.code, "amount": "120,50"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 200, response.content.decode()[-2000:]
    assert response.context["preview"].total == D("120.50")


def test_invoice_page_offers_rewards_only_on_an_eligible_invoice_to_someone_who_may_pay(
    client_of, payer, viewer, account, rewards_account, invoice
):
    from tests.invoices.factories import InvoiceFactory

    cloud_invoice = InvoiceFactory(account=account)
    payer_client = client_of(payer)
    body = payer_client.get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert 'data-testid="pay-with-rewards"' in body
    assert redeem_url(invoice) in body
    body = payer_client.get(reverse("invoices:detail", args=[cloud_invoice.number])).content.decode()
    assert 'data-testid="pay-with-rewards"' not in body
    body = client_of(viewer).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert 'data-testid="pay-with-rewards"' not in body


def test_rewards_page_reads_what_rewards_paid_on_every_listed_invoice_in_one_query(
    client_of, billing_contact, account, rewards_account, invoice
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RewardLotFactory(rewards_account=rewards_account)
    client = client_of(billing_contact)
    with CaptureQueriesContext(connection) as one_invoice:
        client.get(reverse("rewards:index"))
    for _ in range(4):
        support_invoice(account)
    with CaptureQueriesContext(connection) as five_invoices:
        response = client.get(reverse("rewards:index"))
    assert len(response.context["payable"]) == 5
    assert len(five_invoices) == len(one_invoice)


def test_rewards_lots_are_paginated_and_a_deep_page_runs_as_many_queries_as_the_first(
    client_of, billing_contact, rewards_account
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rewards.views import LOTS_PAGE_SIZE

    for month in range(LOTS_PAGE_SIZE * 2 + 3):
        RewardLotFactory(
            rewards_account=rewards_account,
            month_earned=datetime.date(2030, 1, 1) - datetime.timedelta(days=31 * month),
            subscription_number=f"SUB-{month:03d}",
        )
    client = client_of(billing_contact)
    url = reverse("rewards:index")
    client.get(url)  # warm up: session, content types
    counts, rows = [], []
    for page in (1, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"lots": page})
        counts.append(len(captured))
        rows.append(len(response.context["lots"]))
        assert f"Page {page} of 3" in response.content.decode()
    assert rows == [LOTS_PAGE_SIZE, 3]
    assert counts[0] == counts[1]
