"""What the API answers: money as `{"amount": "1234.56", "currency": "USD"}` (a string, never a float),
dates and times in ISO 8601, codes for statuses and kinds (their labels are the portal's business)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import quantize
from invoices.models import InvoiceKind, InvoiceStatus

# Text fields accept anything PostgreSQL can store: no NUL character (the schema says so with this pattern).
# Non-empty: a field that may be blank is described as "this pattern, or empty" (oneOf), one or the other.
TEXT = r"^[^\x00]+$"
# Numbers of invoices, credit memos and payments (path parameters).
REFERENCE = r"^[A-Za-z0-9._-]{1,40}$"


class MoneySerializer(serializers.Serializer):
    amount = serializers.CharField(help_text="Decimal string with the currency's minor unit, e.g. 1234.56.")
    currency = serializers.CharField(help_text="ISO 4217 code.", min_length=3, max_length=3)


class StrictRegexField(serializers.RegexField):
    """Text that must be a JSON string: DRF would turn a number into one, the schema says string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def money(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    return {"amount": str(quantize(amount, currency)), "currency": currency}


@extend_schema_field(MoneySerializer)
class MoneyField(serializers.Field):
    """An amount of the object, with the object's currency (`currency_source`, default "currency")."""

    def __init__(self, *, currency_source: str = "currency", **kwargs):
        self.currency_source = currency_source
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        currency = instance
        for part in self.currency_source.split("."):
            currency = getattr(currency, part)
        return (value, currency)

    def to_representation(self, value):
        amount, currency = value
        return money(amount, currency)


# --- accounts -----------------------------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount_due = MoneySerializer()
    open_count = serializers.IntegerField(help_text="Unpaid invoices, disputed ones included.")
    overdue_count = serializers.IntegerField()
    overdue_amount = MoneySerializer()
    next_due_date = serializers.DateField(allow_null=True)


class AccountSerializer(serializers.Serializer):
    customer_number = serializers.CharField()
    legal_name = serializers.CharField()
    country = serializers.CharField()
    currency = serializers.CharField(help_text="The account's default currency (ISO 4217).")
    language = serializers.CharField()
    role = serializers.ChoiceField(
        choices=["billing_contact", "payer", "viewer"], help_text="The caller's role on this account."
    )
    token_access = serializers.ChoiceField(
        choices=["read_only", "payer"], allow_null=True, help_text="The token's access; null for a session."
    )
    balances = BalanceSerializer(many=True)


# --- invoices -----------------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    description = serializers.CharField(source="display_description")
    product = serializers.CharField()
    product_code = serializers.CharField()
    order_number = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)
    unit_price = MoneyField(currency_source="invoice.currency")
    amount = MoneyField(currency_source="invoice.currency", help_text="Before tax.")
    tax = MoneyField(currency_source="invoice.currency")
    service_start = serializers.DateField(allow_null=True)
    service_end = serializers.DateField(allow_null=True)


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    subtotal = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    amount_due = MoneyField(help_text="What is left to pay: total less payments, rewards and credit memos.")
    po_number = serializers.CharField()
    version = serializers.IntegerField(help_text="Goes up whenever the invoice or its balance changes.")


class AppliedSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["payment", "rewards", "credit_memo", "reversal"])
    reference = serializers.CharField()
    amount = MoneySerializer(help_text="Negative for a reversal.")


class InvoiceDetailSerializer(InvoiceSerializer):
    order_numbers = serializers.ListField(child=serializers.CharField())
    lines = InvoiceLineSerializer(many=True)
    applied = AppliedSerializer(many=True, help_text="Payments, rewards, credit memos and reversals.")


class InvoiceFilterSerializer(serializers.Serializer):
    """The Invoices page's filters (query string)."""

    status = serializers.ChoiceField(choices=InvoiceStatus.choices, required=False)
    issued_from = serializers.DateField(required=False, help_text="Issued on or after (YYYY-MM-DD).")
    issued_to = serializers.DateField(required=False, help_text="Issued on or before (YYYY-MM-DD).")
    currency = StrictRegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217 code.")
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, required=False)
    q = StrictRegexField(
        TEXT,
        required=False,
        max_length=60,
        help_text="Searches invoice, PO and order numbers.",
        allow_blank=True,
    )


class CreditMemoSerializer(serializers.Serializer):
    number = serializers.CharField()
    invoice = serializers.CharField(source="invoice.number")
    amount = MoneyField()
    reason = serializers.CharField()
    issued_at = serializers.DateTimeField()


# --- payments -----------------------------------------------------------------------------------------


class PaymentInvoiceSerializer(serializers.Serializer):
    invoice = serializers.CharField()
    amount = MoneySerializer()


class PaymentSerializer(serializers.Serializer):
    reference = serializers.CharField()
    method = serializers.CharField(
        help_text="card, paypal, sepa_debit, ach_debit, bank_transfer, ach_credit, …"
    )
    status = serializers.CharField(help_text="pending, processing, succeeded, failed, refunded, cancelled.")
    amount = MoneyField()
    created_at = serializers.DateTimeField()
    settled_at = serializers.DateTimeField(allow_null=True)
    failure_message = serializers.CharField()
    invoices = serializers.SerializerMethodField(help_text="What it paid, reversals netted out.")

    @extend_schema_field(PaymentInvoiceSerializer(many=True))
    def get_invoices(self, payment) -> list[dict]:
        from payments.selectors import payment_invoices_covered

        return [
            {"invoice": invoice.number, "amount": money(amount, payment.currency)}
            for invoice, amount in payment_invoices_covered(payment)
        ]


class PaymentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["pending", "processing", "succeeded", "failed", "refunded", "cancelled"], required=False
    )
    method = serializers.ChoiceField(
        choices=[
            "card",
            "paypal",
            "sepa_debit",
            "ach_debit",
            "bank_transfer",
            "ach_credit",
            "cheque",
            "rewards",
            "account_credit",
        ],
        required=False,
    )


# A positive amount with at most 12 digits before the point and 2 after (what a DecimalField(14, 2) holds).
POSITIVE_AMOUNT = r"^([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"


@extend_schema_field({"type": "string", "pattern": POSITIVE_AMOUNT, "example": "2500.00"})
class AmountField(serializers.DecimalField):
    """An amount in a request: a decimal string, more than zero."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=14, decimal_places=2, min_value=Decimal("0.01"), coerce_to_string=True, **kwargs
        )


class RemittanceAdviceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    invoice = StrictRegexField(REFERENCE, max_length=40, help_text="The invoice number.")
    method = serializers.ChoiceField(choices=["bank_transfer", "ach_credit", "cheque"])
    paid_on = serializers.DateField(help_text="When the money was sent (not in the future).")
    amount = AmountField(help_text="In the invoice's currency, at most its balance due.")
    currency = serializers.CharField(read_only=True)
    customer_reference = StrictRegexField(TEXT, max_length=100, required=False, allow_blank=True)
    status = serializers.CharField(read_only=True, help_text="announced, received or withdrawn.")
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        return {
            "id": instance.pk,
            "invoice": instance.invoice.number,
            "method": instance.method,
            "paid_on": instance.paid_on.isoformat(),
            "amount": str(quantize(instance.amount, instance.currency)),
            "currency": instance.currency,
            "customer_reference": instance.customer_reference,
            "status": instance.status,
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
        }


# --- rewards ------------------------------------------------------------------------------------------


class RewardsBalanceSerializer(serializers.Serializer):
    enrolled = serializers.BooleanField()
    balance = MoneySerializer(allow_null=True)
    rate = serializers.CharField(allow_null=True, help_text="Earning rate as a fraction, e.g. 0.250.")
    next_expiry = serializers.DateField(allow_null=True)
    next_expiry_amount = MoneySerializer(allow_null=True)


class RewardLotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subscription_number = serializers.CharField()
    month_earned = serializers.DateField()
    deposited_on = serializers.DateField()
    expires_on = serializers.DateField(help_text="Last day the rewards can be used.")
    amount = MoneyField()
    remaining = MoneyField()
    status = serializers.ChoiceField(choices=["available", "exhausted", "expired"])
