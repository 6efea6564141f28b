"""Issue 17: the rewards activity a page at a time, each page read without sorting every row (each kind cut
at the page's end, a page past the middle read from the oldest end), with the same items in the same order
as the whole timeline, and the same queries on every page."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.pagination import NearerEndPaginator
from rewards.activity import rewards_activity
from rewards.models import (
    LotSource,
    LotStatus,
    Redemption,
    RewardAdjustment,
    RewardLot,
)
from rewards.services import rewards_redeem
from tests.rewards.factories import RewardLotFactory, support_invoice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("april_10_2026")]
D = Decimal
DAY = datetime.date(2026, 3, 31)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _lot(rewards_account, month: datetime.date, **kwargs) -> RewardLot:
    return RewardLotFactory(rewards_account=rewards_account, month_earned=month, **kwargs)


@pytest.fixture
def timeline(rewards_account, billing_contact, account):
    """Every kind of activity, with ties on one day (DAY) across kinds and within a kind."""
    # Deposits: three on DAY (March's, on three subscriptions), more on other month ends.
    march = [_lot(rewards_account, DAY.replace(day=1), amount=D("30.00")) for _ in range(3)]
    for month in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2025, 12, 1)):
        _lot(rewards_account, month, amount=D("20.00"))
    # Expiries: two on DAY, one another day, and one of nothing (not shown).
    old = [_lot(rewards_account, datetime.date(2025, 3, 1), amount=D("5.00")) for _ in range(4)]
    for lot, day, amount in zip(
        old,
        (DAY, DAY, datetime.date(2026, 2, 28), DAY),
        (D("5.00"), D("4.00"), D("3.00"), D("0")),
        strict=True,
    ):
        RewardLot.objects.filter(pk=lot.pk).update(
            status=LotStatus.EXPIRED, remaining=0, expired_amount=amount, expires_on=day
        )
    # Adjustments: two on DAY (a credit deposits a lot that is not a deposit), one later.
    for amount, day in ((D("7.00"), DAY), (D("-2.00"), DAY), (D("1.50"), datetime.date(2026, 4, 2))):
        lot = _lot(rewards_account, DAY.replace(day=1), amount=D("7.00"), source=LotSource.ADJUSTMENT)
        RewardAdjustment.objects.create(
            rewards_account=rewards_account,
            lot=lot,
            amount=amount,
            currency=rewards_account.currency,
            reason=f"Correction {amount}",
            created_at=_at(day),
        )
    # Redemptions: two payments on DAY, one the day after; a payment drawing on two lots is one item.
    invoices = [support_invoice(account, lines=[("Database support", D("40.00"), True)]) for _ in range(3)]
    for invoice, amount, day in (
        (invoices[0], D("35.00"), DAY),
        (invoices[1], D("10.00"), DAY),
        (invoices[2], D("12.00"), DAY + datetime.timedelta(days=1)),
    ):
        payment = rewards_redeem(
            user=billing_contact,
            account=account,
            invoice=invoice,
            code=rewards_account.code,
            amount=amount,
        )
        Redemption.objects.filter(payment=payment).update(created_at=_at(day))
    assert Redemption.objects.filter(invoice=invoices[0]).count() == 2  # from two lots
    return march


def expected_timeline(rewards_account) -> list[tuple]:
    """The timeline computed in Python from the rows: newest day first, then kind (adjustment, expiry,
    redemption, deposit), then id, then invoice number, each last first."""
    tz = timezone.get_current_timezone()
    keyed = []
    for lot in RewardLot.objects.filter(rewards_account=rewards_account, source=LotSource.ACCRUAL):
        keyed.append(((lot.deposited_on, 0, lot.id, ""), (lot.deposited_on, "deposit", lot.amount, "", "")))
    groups = defaultdict(list)
    for redemption in Redemption.objects.filter(lot__rewards_account=rewards_account).select_related(
        "invoice", "payment"
    ):
        groups[(redemption.payment_id, redemption.invoice.number, redemption.payment.reference)].append(
            redemption
        )
    for (payment_id, number, reference), rows in groups.items():
        day = min(timezone.localtime(row.created_at, tz).date() for row in rows)
        amount = -sum(row.amount for row in rows)
        keyed.append(((day, 1, payment_id, number), (day, "redemption", amount, number, reference)))
    for lot in RewardLot.objects.filter(rewards_account=rewards_account, expired_amount__gt=0):
        keyed.append(
            ((lot.expires_on, 2, lot.id, ""), (lot.expires_on, "expiry", -lot.expired_amount, "", ""))
        )
    for adjustment in RewardAdjustment.objects.filter(rewards_account=rewards_account):
        day = timezone.localtime(adjustment.created_at, tz).date()
        keyed.append(((day, 3, adjustment.id, ""), (day, "adjustment", adjustment.amount, "", "")))
    return [item for _key, item in sorted(keyed, key=lambda pair: pair[0], reverse=True)]


def _seen(items) -> list[tuple]:
    return [(item.when, item.kind, item.amount, item.invoice_number, item.reference) for item in items]


def test_the_activity_count_is_every_kinds_rows(timeline, rewards_account):
    expected = expected_timeline(rewards_account)
    assert (
        len(expected) == 10 + 3 + 3 + 3
    )  # deposits (the expired lots' too), expiries, adjustments, redemptions
    activity = rewards_activity(rewards_account=rewards_account)
    assert activity.count() == len(expected)
    lots = RewardLot.objects.filter(rewards_account=rewards_account).count()  # adjustments' lots too
    assert activity.counts() == (lots, len(expected))


@pytest.mark.parametrize("per_page", [1, 3, 4, 7, 18, 19, 20])
def test_every_page_of_the_activity_is_its_slice_of_the_timeline_read_from_either_end(
    timeline, rewards_account, per_page
):
    expected = expected_timeline(rewards_account)
    paginator = NearerEndPaginator(rewards_activity(rewards_account=rewards_account), per_page)
    for number in paginator.page_range:
        bottom = (number - 1) * per_page
        assert _seen(paginator.page(number).object_list) == expected[bottom : bottom + per_page], number


def test_the_whole_timeline_in_order_for_the_csv(timeline, rewards_account):
    assert _seen(rewards_activity(rewards_account=rewards_account)) == expected_timeline(rewards_account)


def test_first_middle_and_last_activity_pages_show_every_kind_in_order_with_the_same_queries(
    timeline, rewards_account, client_of, billing_contact, monkeypatch
):
    monkeypatch.setattr("rewards.views.ACTIVITY_PAGE_SIZE", 4)
    expected = expected_timeline(rewards_account)  # 19 items: 5 pages
    client = client_of(billing_contact)
    url = reverse("rewards:index")
    client.get(url)  # warm up: session, content types
    counts, kinds = [], set()
    for number in (1, 3, 5):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"activity": number})
        counts.append(len(captured))
        bottom = (number - 1) * 4
        shown = _seen(response.context["activity"])
        assert shown == expected[bottom : bottom + 4]
        assert f"Page {number} of 5" in response.content.decode()
        kinds.update(item[1] for item in shown)
    assert kinds == {"deposit", "redemption", "expiry", "adjustment"}
    assert counts[0] == counts[1] == counts[2]


def test_a_redemption_links_its_invoice_and_receipt_and_amounts_are_signed(
    timeline, rewards_account, client_of, billing_contact
):
    html = client_of(billing_contact).get(reverse("rewards:index")).content.decode()
    redemption = Redemption.objects.select_related("invoice", "payment").earliest("payment__id")
    invoice_url = reverse("invoices:detail", args=[redemption.invoice.number])
    receipt_url = reverse("rewards:receipt", args=[redemption.payment.reference])
    assert (
        f'Redeemed on invoice <a href="{invoice_url}">{redemption.invoice.number}</a>'
        f' · <a href="{receipt_url}">{redemption.payment.reference}</a>'
    ) in html
    assert '<span class="rewards-timeline__amount">-$35.00</span>' in html
    assert '<span class="rewards-timeline__amount">+$1.50</span>' in html
    assert f'<time datetime="{DAY.isoformat()}">' in html


def test_an_adjustment_reason_is_escaped(rewards_account, client_of, billing_contact):
    lot = _lot(rewards_account, DAY.replace(day=1), source=LotSource.ADJUSTMENT)
    RewardAdjustment.objects.create(
        rewards_account=rewards_account, lot=lot, amount=D("1.00"), currency="USD", reason="<b>goodwill</b>"
    )
    html = client_of(billing_contact).get(reverse("rewards:index")).content.decode()
    assert "Adjustment: &lt;b&gt;goodwill&lt;/b&gt;" in html
