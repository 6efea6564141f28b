"""Issue 17: the rewards page's lots rows, its summary, and the invoices rewards may pay a page at a time (10 a
page, oldest due first, what rewards may still pay computed in SQL as the invoice page computes it)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoices.models import InvoiceKind
from payments.ledger import payment_reverse_allocations
from rewards.models import (
    LotSource,
    LotStatus,
    ProductFamily,
    RewardLot,
)
from rewards.selectors import payable_with_rewards, rewards_applicable_amount, rewards_summary
from rewards.services import rewards_redeem
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("april_10_2026")]
D = Decimal


def _lot(rewards_account, month: datetime.date, **kwargs) -> RewardLot:
    return RewardLotFactory(rewards_account=rewards_account, month_earned=month, **kwargs)


def test_lots_rows_keep_their_labels_marks_and_badges(rewards_account, client_of, billing_contact):
    today = timezone.localdate()
    soonest = _lot(rewards_account, (today.replace(day=1) - datetime.timedelta(days=200)).replace(day=1))
    expired = _lot(rewards_account, datetime.date(2021, 12, 1), amount=D("5.00"))
    RewardLot.objects.filter(pk=expired.pk).update(
        status=LotStatus.EXPIRED, remaining=0, expired_amount=D("5.00")
    )
    _lot(rewards_account, today.replace(day=1), source=LotSource.ADJUSTMENT, rate=None)
    html = client_of(billing_contact).get(reverse("rewards:index")).content.decode()
    assert '<tr class="rewards-lot--soonest">' in html
    assert (
        f'<td data-label="Expires">{soonest.expires_on:%m/%d/%Y} <span class="badge badge--overdue">expires'
        " soonest</span></td>"
    ) in html
    assert '<td class="num" data-label="Rate">25 %</td>' in html
    assert '<td data-label="Subscription">Adjustment</td>' in html
    assert '<td class="num" data-label="Rate">—</td>' in html
    assert (
        '<td data-label="Status"><span class="badge badge--cancelled">Expired</span>'
        ' <span class="field__help">$5.00</span></td>'
    ) in html
    assert '<td data-label="Month earned">December 2021</td>' in html


def test_the_summary_is_the_usable_balance_and_what_expires_first(rewards_account):
    today = datetime.date(2026, 6, 15)
    first = datetime.date(2026, 6, 30)
    _lot(rewards_account, datetime.date(2025, 6, 1), amount=D("40.00"), expires_on=first)
    _lot(rewards_account, datetime.date(2025, 6, 1), amount=D("10.00"), expires_on=first)
    _lot(rewards_account, datetime.date(2025, 9, 1), amount=D("60.00"), remaining=D("25.00"))
    _lot(rewards_account, datetime.date(2025, 9, 1), remaining=D("0"), status=LotStatus.EXHAUSTED)
    _lot(
        rewards_account,
        datetime.date(2025, 4, 1),
        remaining=D("0"),
        status=LotStatus.EXPIRED,
        expired_amount=D("9"),
    )
    _lot(rewards_account, datetime.date(2025, 5, 1), amount=D("9.00"))  # past its last day, not yet swept
    summary = rewards_summary(rewards_account=rewards_account, today=today)
    assert (summary.balance, summary.next_expiry, summary.next_expiry_amount) == (
        D("75.00"),
        first,
        D("50.00"),
    )
    empty = rewards_summary(rewards_account=RewardsAccountFactory(), today=today)
    assert (empty.balance, empty.next_expiry, empty.next_expiry_amount) == (D("0"), None, D("0"))


def _payable_numbers(response) -> list[str]:
    return [invoice.number for invoice in response.context["payable"]]


def test_invoices_rewards_may_pay_are_shown_ten_a_page_oldest_due_first_with_the_same_queries(
    rewards_account, account, client_of, billing_contact
):
    _lot(rewards_account, datetime.date(2026, 1, 1), amount=D("100000.00"))
    start = datetime.date(2026, 1, 1)
    invoices = [
        support_invoice(account, issue_date=start, due_date=start + datetime.timedelta(days=23 - i))
        for i in range(23)
    ]
    oldest_first = [invoice.number for invoice in reversed(invoices)]
    client = client_of(billing_contact)
    url = reverse("rewards:index")
    client.get(url)  # warm up
    counts, shown = [], []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"payable": number})
        counts.append(len(captured))
        shown += _payable_numbers(response)
        html = response.content.decode()
        assert f"Page {number} of 3" in html
        assert html.count('class="button button--small"') == (10 if number < 3 else 3)
    assert shown == oldest_first
    assert counts[0] == counts[1] == counts[2]
    # Its own page parameter: the other lists keep theirs.
    response = client.get(url, {"payable": 2, "lots": 1})
    assert "?payable=3&amp;lots=1" in response.content.decode()


def test_only_invoices_rewards_may_still_pay_are_listed_with_what_they_may_pay(
    rewards_account, account, client_of, billing_contact
):
    _lot(rewards_account, datetime.date(2026, 1, 1), amount=D("5000.00"))
    day = datetime.date(2026, 1, 1)
    due = iter(day + datetime.timedelta(days=n) for n in range(20))

    def support_renewal(account, **kwargs):
        return support_invoice(account, issue_date=datetime.date(2025, 12, 1), **kwargs)

    whole = support_renewal(account, due_date=next(due))  # 1 000.00 of support + tax
    partly = support_renewal(account, due_date=next(due))
    paid = support_renewal(account, due_date=next(due))  # its support paid by rewards, its tax still due
    returned = support_renewal(account, due_date=next(due))  # paid by rewards, then the payment reversed
    java = support_renewal(account, due_date=next(due), lines=[("Java SE Subscription", D("300.00"), True)])
    mixed = support_renewal(
        account,
        due_date=next(due),
        lines=[
            ("Database support", D("200.00"), True),
            ("Oracle Linux Premier Support", D("100.00"), True),
            ("Consulting", D("50.00"), False),
        ],
    )
    low_balance = support_renewal(account, due_date=next(due), amount_due=D("80.00"))
    by_code = support_renewal(account, due_date=next(due), lines=[("Some renamed product", D("70.00"), True)])
    by_code.lines.update(product_code="JAVA-SE-01")
    ProductFamily.objects.create(name="Java by code", product_codes=["java-se-01"], refusal="bundles_license")
    support_renewal(account, due_date=next(due), kind=InvoiceKind.CLOUD_SUBSCRIPTION)
    support_renewal(account, due_date=next(due), lines=[("Database support", D("60.00"), False)])
    user = billing_contact
    code = rewards_account.code
    rewards_redeem(user=user, account=account, invoice=partly, code=code, amount=D("400.00"))
    rewards_redeem(user=user, account=account, invoice=paid, code=code)
    payment = rewards_redeem(user=user, account=account, invoice=returned, code=code, amount=D("250.00"))
    payment_reverse_allocations(payment=payment, reason="redeemed by mistake")

    response = client_of(billing_contact).get(reverse("rewards:index"))
    assert _payable_numbers(response) == [
        whole.number,
        partly.number,
        returned.number,
        mixed.number,
        low_balance.number,
    ]
    amounts = {invoice.number: invoice.applicable for invoice in response.context["payable"]}
    assert amounts == {
        whole.number: D("1000.00"),
        partly.number: D("600.00"),
        returned.number: D("1000.00"),
        mixed.number: D("200.00"),
        low_balance.number: D("80.00"),
    }
    for invoice in (whole, partly, paid, returned, java, mixed, low_balance, by_code):
        invoice.refresh_from_db()
        assert amounts.get(invoice.number, D("0")) == rewards_applicable_amount(invoice=invoice), (
            invoice.number
        )
    assert "$600.00" in response.content.decode()


def test_payable_with_rewards_matches_what_each_invoice_page_offers(
    rewards_account, account, billing_contact
):
    """The SQL of the list and rewards_applicable_amount (the invoice and redeem pages) agree on lines a
    product family decides: by name (whitespace and letter case aside, a whole word), or by code first."""
    ProductFamily.objects.create(
        name="Aa eligible by code", product_codes=["DB-EE"], rewards_eligible=True
    )  # first by name: its code wins over the Oracle Linux name below
    names = [
        "  java   se  subscription ",
        "JAVA",
        "Javascript support",
        "Oracle\u00a0Linux Basic",
        "Oracle Linuxes",
        "MySQL Enterprise Edition Subscription",
        "MySQL Enterprise Edition — Software Update License & Support",
        "Database support",
    ]
    invoices = [support_invoice(account, lines=[(name, D("100.00"), True)]) for name in names]
    shielded = support_invoice(account, lines=[("Oracle Linux Premier Support", D("100.00"), True)])
    shielded.lines.update(product_code=" db-ee ")
    invoices.append(shielded)
    listed = {
        invoice.pk: invoice.applicable
        for invoice in payable_with_rewards(user=billing_contact, account=account)[0:100]
    }
    expected = {
        invoice.pk: amount
        for invoice in invoices
        if (amount := rewards_applicable_amount(invoice=invoice)) > 0
    }
    assert listed == expected
    assert [invoice.pk in listed for invoice in invoices] == [
        False,
        False,
        True,
        False,
        True,
        False,
        True,
        True,
        True,
    ]


def test_no_payable_table_without_a_balance(rewards_account, account, client_of, billing_contact):
    support_invoice(account)
    response = client_of(billing_contact).get(reverse("rewards:index"))
    assert response.context["payable"] == []
    assert 'data-testid="rewards-payable-invoices"' not in response.content.decode()


def test_a_viewer_sees_what_rewards_may_pay_without_the_button(rewards_account, account, client_of, viewer):
    _lot(rewards_account, datetime.date(2026, 1, 1))
    invoice = support_invoice(account)
    html = client_of(viewer).get(reverse("rewards:index")).content.decode()
    assert f'<a href="{reverse("invoices:detail", args=[invoice.number])}">{invoice.number}</a>' in html
    assert reverse("rewards:redeem", args=[invoice.number]) not in html
