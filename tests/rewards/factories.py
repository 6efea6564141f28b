import datetime
from decimal import Decimal

import factory

from invoices.models import InvoiceKind
from rewards.eligibility import deposit_date, expiry_date
from rewards.models import ConsumptionRecord, Offering, RewardLot, RewardsAccount
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory


class RewardsAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardsAccount

    account = factory.SubFactory(CustomerAccountFactory)
    rate = factory.LazyAttribute(
        lambda o: Decimal("0.33") if o.account.has_unlimited_license_agreement else Decimal("0.25")
    )
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    service_start = datetime.date(2021, 1, 1)
    code = factory.Sequence(lambda n: f"TESTCODE{n:08d}")


class RewardLotFactory(factory.django.DjangoModelFactory):
    """A lot earned in `month_earned` (default: last month), deposited at its end, valid 12 more months."""

    class Meta:
        model = RewardLot

    rewards_account = factory.SubFactory(RewardsAccountFactory)
    subscription_number = factory.Sequence(lambda n: f"SUB-{1000 + n}")
    month_earned = factory.LazyFunction(
        lambda: (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    )
    deposited_on = factory.LazyAttribute(lambda o: deposit_date(o.month_earned))
    expires_on = factory.LazyAttribute(lambda o: expiry_date(o.month_earned))
    rate = Decimal("0.25")
    amount = Decimal("100.00")
    remaining = factory.LazyAttribute(lambda o: o.amount)
    currency = factory.LazyAttribute(lambda o: o.rewards_account.currency)


class ConsumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumptionRecord

    account = factory.SubFactory(CustomerAccountFactory)
    subscription_number = "SUB-1"
    service = factory.Sequence(lambda n: f"OCI Compute shape {n}")
    offering = Offering.OCI
    month = datetime.date(2021, 12, 1)
    period_start = factory.LazyAttribute(lambda o: o.month)
    period_end = factory.LazyAttribute(lambda o: o.month.replace(day=28))
    quantity = Decimal("1")
    unit_net_price = factory.LazyAttribute(lambda o: o.amount)
    amount = Decimal("100.00")
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    is_eligible = True


def support_invoice(account, *, lines=None, **kwargs):
    """A Technology Programs support renewal: by default 1 000.00 of eligible support + 82.50 tax."""
    lines = lines or [
        ("Database Enterprise Edition — Software Update License & Support", Decimal("1000.00"), True)
    ]
    subtotal = sum(amount for _, amount, _ in lines)
    tax = kwargs.pop("tax", (subtotal * Decimal("0.0825")).quantize(Decimal("0.01")))
    invoice = InvoiceFactory(
        account=account,
        kind=kwargs.pop("kind", InvoiceKind.SUPPORT_RENEWAL),
        subtotal=subtotal,
        tax=tax,
        **kwargs,
    )
    for position, (product, amount, flagged) in enumerate(lines, start=1):
        InvoiceLineFactory(
            invoice=invoice,
            position=position,
            product=product,
            amount=amount,
            tax=Decimal("0"),
            is_rewards_eligible_support=flagged,
        )
    return invoice
