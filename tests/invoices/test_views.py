import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivityEntry
from invoices.models import InvoiceState
from tests.invoices.factories import (
    CreditMemoFactory,
    DraftInvoiceFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    RemittanceInstructionFactory,
    invoices_bulk_create,
)
from tests.invoices.test_services import pay

pytestmark = pytest.mark.django_db
INDEX = reverse("invoices:index")


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def numbers(response):
    return [invoice.number for invoice in response.context["invoices"]]


# --- list: constant queries ----------------------------------------------------------------------


def _list_queries(client, account, user, count, django_assert_max_num_queries, page="1"):
    from invoices.models import CreditMemo

    created = invoices_bulk_create(account=account, count=count)
    CreditMemo.objects.bulk_create(
        CreditMemo(
            number=f"CM-{invoice.number}", invoice=invoice, amount=Decimal("1.00"), currency="USD", reason="x"
        )
        for invoice in created[::3]
    )
    client.force_login(user)
    with django_assert_max_num_queries(8) as captured:
        response = client.get(INDEX, {"page": page, "sort": "-balance", "status": "open"})
    assert response.status_code == 200
    return len(captured)


def test_list_uses_the_same_number_of_queries_for_10_and_10000_invoices(
    client, billing_contact, account, other_account, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory

    small = _list_queries(client, account, billing_contact, 10, django_assert_max_num_queries)
    big_user = MembershipFactory(account=other_account, role="billing_contact").user
    client.logout()
    big = _list_queries(client, other_account, big_user, 10_000, django_assert_max_num_queries, page="200")
    assert small == big


def test_the_search_box_request_reads_no_currency_choices_unless_a_currency_is_filtered(
    client, billing_contact, account
):
    """The results-only (htmx) request the search box sends draws no currency select: it doesn't query the
    account's currencies, unless a currency filter has to be checked against them. Nor does it check for
    overdue invoices: "Pay all overdue" is outside the results it replaces."""
    invoices_bulk_create(account=account, count=30)
    client.force_login(billing_contact)
    htmx = {"HX-Request": "true"}
    with CaptureQueriesContext(connection) as whole_page:
        assert client.get(INDEX, {"q": "INV"}).status_code == 200
    with CaptureQueriesContext(connection) as results:
        response = client.get(INDEX, {"q": "INV"}, headers=htmx)
    assert b'data-testid="invoice-row"' in response.content and b"<html" not in response.content
    assert len(results) == len(whole_page) - 2
    assert b"overdue=1" not in response.content
    assert not any("currencies" in query["sql"] for query in results.captured_queries)
    with CaptureQueriesContext(connection) as filtered:
        response = client.get(INDEX, {"q": "INV", "currency": "XXX"}, headers=htmx)
    assert any("currencies" in query["sql"] for query in filtered.captured_queries)
    assert b'data-testid="invoice-row"' in response.content  # an unknown currency is ignored, not guessed


def test_list_last_page_of_10000_invoices_shows_25_rows(client, billing_contact, account):
    invoices_bulk_create(account=account, count=10_000)
    client.force_login(billing_contact)
    response = client.get(INDEX, {"page": "400"})
    assert len(numbers(response)) == 25
    assert response.context["page"].paginator.num_pages == 400
    assert "Page 400 of 400" in response.content.decode()


# --- list: filters, search, sort -----------------------------------------------------------------


@pytest.fixture
def mixed(account):
    overdue = InvoiceFactory(account=account, number="INV-1", issue_date=days_ago(45), po_number="PO-7781")
    open_ = InvoiceFactory(
        account=account, number="INV-2", issue_date=days_ago(10), subtotal=Decimal("5000.00")
    )
    closed = InvoiceFactory(account=account, number="INV-3", issue_date=days_ago(70), amount_due=Decimal("0"))
    euro = InvoiceFactory(
        account=account, number="INV-4", issue_date=days_ago(5), currency="EUR", kind="license"
    )
    InvoiceLineFactory(invoice=open_, order_number="ORD-55012")
    DraftInvoiceFactory(account=account, number="INV-DRAFT")
    return {"overdue": overdue, "open": open_, "closed": closed, "euro": euro}


def test_list_hides_drafts_and_sorts_by_issue_date_newest_first(client, billing_contact, mixed):
    client.force_login(billing_contact)
    response = client.get(INDEX)
    assert numbers(response) == ["INV-4", "INV-2", "INV-1", "INV-3"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "overdue"}, ["INV-1"]),
        ({"status": "closed"}, ["INV-3"]),
        ({"status": "open"}, ["INV-4", "INV-2"]),
        ({"currency": "EUR"}, ["INV-4"]),
        ({"kind": "license"}, ["INV-4"]),
        ({"issued_from": "{d50}", "issued_to": "{d8}"}, ["INV-2", "INV-1"]),
        ({"q": "PO-7781"}, ["INV-1"]),
        ({"q": "ord-55012"}, ["INV-2"]),
        ({"q": "INV-3"}, ["INV-3"]),
        ({"sort": "total"}, ["INV-1", "INV-3", "INV-4", "INV-2"]),
        ({"sort": "-balance"}, ["INV-2", "INV-4", "INV-1", "INV-3"]),
        ({"sort": "number"}, ["INV-1", "INV-2", "INV-3", "INV-4"]),
        ({"sort": "due_date"}, ["INV-3", "INV-1", "INV-2", "INV-4"]),
        ({"sort": "status"}, ["INV-1", "INV-2", "INV-4", "INV-3"]),
        ({"sort": "-status"}, ["INV-3", "INV-4", "INV-2", "INV-1"]),
    ],
)
def test_list_filters_searches_and_sorts(client, billing_contact, mixed, params, expected):
    params = {
        key: value.format(d50=days_ago(50).isoformat(), d8=days_ago(8).isoformat())
        for key, value in params.items()
    }
    client.force_login(billing_contact)
    response = client.get(INDEX, params)
    assert numbers(response) == expected


def test_list_shows_an_error_beside_a_reversed_date_range_and_ignores_it(client, billing_contact, mixed):
    client.force_login(billing_contact)
    response = client.get(
        INDEX, {"issued_from": days_ago(1).isoformat(), "issued_to": days_ago(60).isoformat()}
    )
    assert "The end date must be on or after the start date." in response.content.decode()
    assert len(numbers(response)) == 4


def test_htmx_filter_request_gets_only_the_results(client, billing_contact, mixed):
    client.force_login(billing_contact)
    response = client.get(INDEX, {"status": "overdue"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "INV-1" in body and 'name="sort"' in body


def test_list_marks_balances_where_credits_or_rewards_were_applied(client, billing_contact, account):
    from payments.models import PaymentMethod

    rewarded = InvoiceFactory(
        account=account, number="INV-R", subtotal=Decimal("24400.00"), tax=Decimal("2013.00")
    )
    pay(rewarded, Decimal("6100.00"), method=PaymentMethod.REWARDS)
    credited = InvoiceFactory(account=account, number="INV-C")
    CreditMemoFactory(invoice=credited, amount=Decimal("200.00"))
    InvoiceFactory(account=account, number="INV-PLAIN")
    client.force_login(billing_contact)
    response = client.get(INDEX)
    rows = {invoice.number: invoice for invoice in response.context["invoices"]}
    assert rows["INV-R"].rewards_applied == Decimal("6100.00") and rows["INV-R"].paid_applied == 0
    assert rows["INV-C"].credited == Decimal("200.00")
    body = response.content.decode()
    assert body.count('data-testid="applied-mark"') == 2
    assert "Support Rewards: $6,100.00" in body
    assert "remaining balance: $20,313.00" in body


def test_payers_get_checkboxes_for_payable_invoices_and_pay_links(client, payer, mixed):
    client.force_login(payer)
    body = client.get(INDEX).content.decode()
    pay_url = reverse("payments:pay")
    assert f'action="{pay_url}"' in body and f"{pay_url}?overdue=1" in body
    assert 'name="invoice" value="INV-1"' in body and 'name="invoice" value="INV-2"' in body
    assert 'name="invoice" value="INV-3"' not in body  # closed: nothing to pay


def test_viewers_get_no_pay_controls(client, viewer, mixed):
    client.force_login(viewer)
    body = client.get(INDEX).content.decode()
    assert reverse("payments:pay") not in body and 'name="invoice"' not in body


def test_csv_export_holds_the_filtered_list_on_every_page(client, billing_contact, account):
    invoices_bulk_create(account=account, count=60)
    InvoiceFactory(account=account, number="=HYPERLINK(1)")
    client.force_login(billing_contact)
    response = client.get(reverse("invoices:export"), {"status": "closed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 20 and {row["status"] for row in rows} == {"closed"}
    everything = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get(reverse("invoices:export")).streaming_content).decode())
        )
    )
    assert len(everything) == 61
    assert "'=HYPERLINK(1)" in {row["number"] for row in everything}  # no formula injection


def test_another_accounts_user_sees_none_of_these_invoices(client, outsider, mixed):
    client.force_login(outsider)
    assert numbers(client.get(INDEX)) == []


# --- invoice page ---------------------------------------------------------------------------------


def test_invoice_page_shows_lines_applied_entries_remittance_and_pay_button(client, payer, account):
    from payments.models import CountryPaymentOptions, PaymentMethod

    # 1 000 USD left in a card country is card only (no bank details): cards are off in the US here.
    CountryPaymentOptions.objects.filter(country="US").update(card=False)
    RemittanceInstructionFactory(currency="USD")
    invoice = InvoiceFactory(account=account, number="INV-US-1001", po_number="PO-7781")
    InvoiceLineFactory(
        invoice=invoice, order_number="ORD-55012", description="Database EE support — order ORD-55012"
    )
    payment = pay(invoice, Decimal("200.00"), method=PaymentMethod.REWARDS)
    client.force_login(payer)
    body = client.get(reverse("invoices:detail", args=["INV-US-1001"])).content.decode()
    assert "Database EE support" in body and "ORD-55012" in body and "PO-7781" in body
    assert payment.reference in body and "Support Rewards" in body
    assert "$1,000.00" in body  # balance due after 200 of rewards
    assert "000123456789" in body and "PO Box 44471" in body
    assert f"{reverse('payments:pay')}?invoice=INV-US-1001" in body
    assert reverse("invoices:pdf", args=["INV-US-1001"]) in body


def test_invoice_page_has_no_pay_button_for_a_viewer(client, viewer, account):
    InvoiceFactory(account=account, number="INV-V")
    client.force_login(viewer)
    body = client.get(reverse("invoices:detail", args=["INV-V"])).content.decode()
    assert reverse("payments:pay") not in body
    assert reverse("invoices:pdf", args=["INV-V"]) in body


def test_invoice_page_has_no_pay_button_when_nothing_is_due(client, payer, account):
    InvoiceFactory(account=account, number="INV-PAID", amount_due=Decimal("0"))
    InvoiceFactory(account=account, number="INV-DISPUTED", state=InvoiceState.DISPUTED)
    client.force_login(payer)
    assert (
        reverse("payments:pay")
        not in client.get(reverse("invoices:detail", args=["INV-PAID"])).content.decode()
    )
    # Issue 13: a disputed invoice can still be paid, with a note saying what happens if the dispute is upheld.
    page = client.get(reverse("invoices:detail", args=["INV-DISPUTED"])).content.decode()
    assert reverse("payments:pay") in page and 'data-testid="disputed-notice"' in page


def test_another_accounts_invoice_page_and_pdf_are_404(client, outsider, account):
    InvoiceFactory(account=account, number="INV-SECRET")
    client.force_login(outsider)
    assert client.get(reverse("invoices:detail", args=["INV-SECRET"])).status_code == 404
    assert client.get(reverse("invoices:pdf", args=["INV-SECRET"])).status_code == 404


def test_a_draft_is_404_for_customers(client, billing_contact, account):
    DraftInvoiceFactory(account=account, number="INV-DRAFT")
    client.force_login(billing_contact)
    assert client.get(reverse("invoices:detail", args=["INV-DRAFT"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, account):
    InvoiceFactory(account=account, number="INV-A")
    for url in (INDEX, reverse("invoices:detail", args=["INV-A"]), reverse("invoices:pdf", args=["INV-A"])):
        assert client.get(url).status_code == 302


def test_pdf_download_is_named_after_the_invoice_and_recorded(client, viewer, account, read_pdf):
    InvoiceFactory(account=account, number="INV-US-1001")
    client.force_login(viewer)
    response = client.get(reverse("invoices:pdf", args=["INV-US-1001"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-US-1001.pdf"'
    assert "INV-US-1001" in read_pdf(response.content)
    assert ActivityEntry.objects.filter(
        action="invoice.downloaded", target="INV-US-1001", actor=viewer
    ).exists()


def test_a_link_to_an_invoice_of_the_users_other_account_switches_to_that_account(
    client, billing_contact, other_account
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=billing_contact, account=other_account, role="viewer")
    InvoiceFactory(account=other_account, number="INV-B-1")
    client.force_login(billing_contact)
    url = reverse("invoices:detail", args=["INV-B-1"])
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert response.status_code == 200 and response.context["invoice"].number == "INV-B-1"
    assert client.session["current_account_id"] == other_account.pk


def test_a_credit_memos_reason_is_not_shown_as_its_method(client, viewer, account):
    """Issue 11, item 5: the reason appeared in the "Method" column of what was applied."""
    import re

    invoice = InvoiceFactory(account=account, number="INV-CM")
    CreditMemoFactory(invoice=invoice, amount=Decimal("50.00"), reason="Duplicate line removed")
    client.force_login(viewer)
    body = client.get(reverse("invoices:detail", args=["INV-CM"])).content.decode()
    row = re.search(r'<table class="data responsive" data-testid="applied">.*?</table>', body, re.S).group(0)
    assert '<span class="applied-note" data-testid="applied-note">Duplicate line removed</span>' in row
    method_cell = re.search(r"data-label=\"Method\">(.*?)</td>", row).group(1)
    assert method_cell == "—"
