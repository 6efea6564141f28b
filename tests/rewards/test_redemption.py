import datetime
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import ActivityEntry, Sector
from invoices.models import CreditMemo, Invoice, InvoiceKind
from payments.ledger import payment_create
from payments.models import AccountCredit, Allocation, PaymentMethod, PaymentProvider, PaymentStatus
from rewards.exceptions import (
    RewardsAmountInvalid,
    RewardsCodeExpired,
    RewardsCodeUnknown,
    RewardsDebitProcessing,
    RewardsExhausted,
    RewardsNotEligible,
    RewardsPermissionDenied,
)
from rewards.models import LotStatus, Redemption
from rewards.selectors import rewards_applicable_amount
from rewards.services import rewards_expire_due, rewards_preview, rewards_redeem
from tests.factories import CustomerAccountFactory
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def invoice(account):
    return support_invoice(account)  # 1 000.00 support + 82.50 tax = 1 082.50


def lot(rewards_account, amount, months_ago=1, **kwargs):
    today = datetime.date.today().replace(day=1)
    month = today
    for _ in range(months_ago):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return RewardLotFactory(rewards_account=rewards_account, month_earned=month, amount=D(amount), **kwargs)


def redeem(user, account, invoice, code, **kwargs):
    return rewards_redeem(user=user, account=account, invoice=invoice, code=code, **kwargs)


def test_rewards_pay_at_most_the_pre_tax_support_amount(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "5000.00")
    payment = redeem(billing_contact, account, invoice, rewards_account.code)
    invoice.refresh_from_db()
    assert payment.amount == D("1000.00")
    assert invoice.amount_due == D("82.50")  # the tax stays due
    assert rewards_applicable_amount(invoice=invoice) == D("0.00")
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_ineligible_lines_stay_due(billing_contact, account, rewards_account):
    invoice = support_invoice(
        account,
        lines=[
            ("Database Enterprise Edition — Software Update License & Support", D("600.00"), True),
            ("Consulting day", D("400.00"), False),
        ],
        tax=D("0"),
    )
    lot(rewards_account, "5000.00")
    assert rewards_applicable_amount(invoice=invoice) == D("600.00")
    redeem(billing_contact, account, invoice, rewards_account.code)
    invoice.refresh_from_db()
    assert invoice.amount_due == D("400.00")


@pytest.mark.parametrize(
    "product",
    ["Java SE Subscription", "MySQL Enterprise Edition Subscription", "Oracle Linux Premier Support"],
)
def test_java_mysql_and_oracle_linux_are_refused_even_when_flagged(
    billing_contact, account, rewards_account, product
):
    invoice = support_invoice(account, lines=[(product, D("1000.00"), True)])
    lot(rewards_account, "5000.00")
    assert rewards_applicable_amount(invoice=invoice) == D("0")
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, invoice, rewards_account.code)


@pytest.mark.parametrize(
    "kind", [InvoiceKind.CLOUD_SUBSCRIPTION, InvoiceKind.LICENSE, InvoiceKind.USAGE_OVERAGE]
)
def test_only_support_renewal_invoices_are_eligible(billing_contact, account, rewards_account, kind):
    invoice = support_invoice(account, kind=kind)
    lot(rewards_account, "5000.00")
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, invoice, rewards_account.code)


@pytest.mark.parametrize(
    "attributes",
    [{"sector": Sector.US_FEDERAL}, {"country": "CN"}, {"is_pay_as_you_go": True}],
    ids=["us-federal", "china", "pay-as-you-go"],
)
def test_excluded_sectors_and_countries_are_refused(
    billing_contact, account, rewards_account, invoice, attributes
):
    lot(rewards_account, "100.00")
    for field, value in attributes.items():
        setattr(account, field, value)
    account.save()
    invoice.refresh_from_db()
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_the_earliest_expiring_lot_is_used_first(billing_contact, account, rewards_account, invoice):
    newer = lot(rewards_account, "500.00", months_ago=1)
    oldest = lot(rewards_account, "300.00", months_ago=5)
    middle = lot(rewards_account, "300.00", months_ago=3)
    preview = rewards_preview(
        user=billing_contact, account=account, invoice=invoice, code=rewards_account.code
    )
    assert [(line.lot_id, line.amount) for line in preview.lines] == [
        (oldest.pk, D("300.00")),
        (middle.pk, D("300.00")),
        (newer.pk, D("400.00")),
    ]
    assert (preview.total, preview.remaining_due) == (D("1000.00"), D("82.50"))

    redeem(billing_contact, account, invoice, rewards_account.code)
    for item in (oldest, middle, newer):
        item.refresh_from_db()
    assert (oldest.remaining, oldest.status) == (D("0.00"), LotStatus.EXHAUSTED)
    assert middle.remaining == D("0.00")
    assert (newer.remaining, newer.status) == (D("100.00"), LotStatus.AVAILABLE)
    assert Redemption.objects.filter(invoice=invoice).count() == 3


def test_a_redemption_is_a_rewards_payment_allocated_to_the_invoice_and_issues_no_credit_memo(
    billing_contact, account, rewards_account, invoice
):
    lot(rewards_account, "250.00")
    invoices_before = Invoice.objects.count()
    payment = redeem(billing_contact, account, invoice, rewards_account.code)
    assert (payment.method, payment.provider, payment.status) == (
        PaymentMethod.REWARDS,
        PaymentProvider.REWARDS,
        PaymentStatus.SUCCEEDED,
    )
    assert list(Allocation.objects.filter(payment=payment).values_list("invoice_id", "amount")) == [
        (invoice.pk, D("250.00"))
    ]
    assert not CreditMemo.objects.exists()
    assert Invoice.objects.count() == invoices_before  # no new invoice
    assert not AccountCredit.objects.exists()  # never cash
    assert ActivityEntry.objects.filter(
        account=account, action="rewards.redeemed", target=invoice.number
    ).exists()


def test_partial_redemption_of_a_chosen_amount(billing_contact, account, rewards_account, invoice):
    first = lot(rewards_account, "800.00")
    redeem(billing_contact, account, invoice, rewards_account.code, amount="120.50")
    first.refresh_from_db()
    invoice.refresh_from_db()
    assert first.remaining == D("679.50")
    assert invoice.amount_due == D("962.00")
    assert rewards_applicable_amount(invoice=invoice) == D("879.50")


@pytest.mark.parametrize("amount", ["1000.01", "0", "-5", "abc"])
def test_a_tampered_amount_is_refused(billing_contact, account, rewards_account, invoice, amount):
    lot(rewards_account, "5000.00")
    with pytest.raises(RewardsAmountInvalid):
        redeem(billing_contact, account, invoice, rewards_account.code, amount=amount)
    assert not Redemption.objects.exists()


def test_more_than_the_balance_is_refused(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    with pytest.raises(RewardsAmountInvalid):
        redeem(billing_contact, account, invoice, rewards_account.code, amount="10.01")


def test_lots_of_several_subscriptions_pay_the_same_invoice(
    billing_contact, account, rewards_account, invoice
):
    lot(rewards_account, "400.00", subscription_number="SUB-A")
    lot(rewards_account, "400.00", subscription_number="SUB-B")
    payment = redeem(billing_contact, account, invoice, rewards_account.code)
    assert payment.amount == D("800.00")
    assert set(Redemption.objects.values_list("lot__subscription_number", flat=True)) == {"SUB-A", "SUB-B"}


def test_code_is_read_without_case_or_separators(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    payment = redeem(billing_contact, account, invoice, rewards_account.code_display.lower())
    assert payment.amount == D("10.00")


def test_unknown_code_is_refused_and_nothing_is_applied(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    with pytest.raises(RewardsCodeUnknown):
        redeem(billing_contact, account, invoice, "NOPE-NOPE-NOPE-NOPE")
    invoice.refresh_from_db()
    assert invoice.amount_due == invoice.total


def test_another_accounts_code_gets_the_same_message_as_an_unknown_code(
    billing_contact, account, rewards_account, invoice
):
    lot(rewards_account, "10.00")
    stranger = RewardsAccountFactory(account=CustomerAccountFactory())
    lot(stranger, "999.00")
    with pytest.raises(RewardsCodeUnknown) as other:
        redeem(billing_contact, account, invoice, stranger.code)
    with pytest.raises(RewardsCodeUnknown) as unknown:
        redeem(billing_contact, account, invoice, "ZZZZZZZZZZZZZZZZ")
    assert str(other.value) == str(unknown.value)


def test_expired_code_is_refused(billing_contact, account, rewards_account, invoice):
    RewardLotFactory(rewards_account=rewards_account, month_earned=datetime.date(2021, 12, 1))
    with pytest.raises(RewardsCodeExpired):  # past its last day, even before the daily job ran
        redeem(billing_contact, account, invoice, rewards_account.code)
    rewards_expire_due()
    with pytest.raises(RewardsCodeExpired):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_exhausted_code_is_refused(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    redeem(billing_contact, account, invoice, rewards_account.code)
    with pytest.raises(RewardsExhausted):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_refused_while_a_direct_debit_on_the_invoice_is_processing(
    billing_contact, account, rewards_account, invoice
):
    lot(rewards_account, "10.00")
    payment_create(
        account=account,
        method=PaymentMethod.SEPA_DEBIT,
        provider=PaymentProvider.STRIPE,
        amount=invoice.amount_due,
        currency="USD",
        started_by=billing_contact,
        intended_allocations=[(invoice, invoice.amount_due)],
        status=PaymentStatus.PROCESSING,
    )
    with pytest.raises(RewardsDebitProcessing):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_currency_must_match(billing_contact, account, invoice):
    rewards_account = RewardsAccountFactory(account=account, currency="EUR")
    lot(rewards_account, "10.00")
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, invoice, rewards_account.code)


def test_viewer_may_not_redeem(viewer, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    with pytest.raises(RewardsPermissionDenied):
        redeem(viewer, account, invoice, rewards_account.code)


def test_payer_may_redeem(payer, account, rewards_account, invoice):
    lot(rewards_account, "10.00")
    assert redeem(payer, account, invoice, rewards_account.code).amount == D("10.00")


def test_another_accounts_invoice_is_refused(billing_contact, account, rewards_account):
    lot(rewards_account, "10.00")
    foreign = support_invoice(CustomerAccountFactory())
    with pytest.raises(RewardsNotEligible):
        redeem(billing_contact, account, foreign, rewards_account.code)


def test_same_token_twice_redeems_once(billing_contact, account, rewards_account, invoice):
    lot(rewards_account, "500.00")
    first = redeem(
        billing_contact, account, invoice, rewards_account.code, amount="100.00", idempotency_key="tok-1"
    )
    second = redeem(
        billing_contact, account, invoice, rewards_account.code, amount="100.00", idempotency_key="tok-1"
    )
    assert first.pk == second.pk
    assert Redemption.objects.count() == 1


def test_confirmation_email_shows_redeemed_to_date_and_balance_due(
    billing_contact, account, rewards_account, invoice, django_capture_on_commit_callbacks
):
    lot(rewards_account, "700.00")
    with django_capture_on_commit_callbacks(execute=True):
        redeem(billing_contact, account, invoice, rewards_account.code, amount="300.00")
    with django_capture_on_commit_callbacks(execute=True):
        redeem(billing_contact, account, invoice, rewards_account.code, amount="200.00")
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert invoice.number in mail.outbox[1].subject
    assert "$200.00" in body
    assert "Redeemed on this invoice to date: $500.00" in body
    assert "Balance still due on the invoice: $582.50" in body
    assert mail.outbox[1].to == [billing_contact.email]
