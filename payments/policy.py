"""Which payment methods a customer is offered: the one place with these rules.

1. Online payment exists only in the countries of the CountryPaymentOptions table (staff edit it);
   elsewhere only bank transfer, ACH credit and cheque remain.
2. A card payment is at most 100 000 USD, or the configured equivalent of the payment's currency
   (CardLimit.max_amount). Above it the card is not offered, and the page says why and what works.
   A currency without a CardLimit row is never offered the card (limits are configured, not guessed).
3. Where cards are accepted, a payment under 2 000 USD (CardLimit.card_only_below) can only be made
   by card. The rule is checked on the amount paid AND on each selected invoice's balance: if any
   invoice in the selection owes less than the threshold, the whole payment is card only, so that
   combining several small invoices never lifts the rule.
4. Direct debit follows the country table and the currency: SEPA for EUR, ACH for USD.
5. Support Rewards are offered only when an invoice has support that rewards may still pay; that
   rule is the checkout's (checkout.services), since payments never imports rewards.

Every place that offers a way to pay asks here: the pay page and payment_start (payment_options), the
invoice page, its PDF and the invoice admin (invoice_payment_ways, registered with invoices in
PaymentsConfig.ready), the transfer form and its POST (remittance_options), automatic payment
(autopay_methods), and every page that states a threshold (card_thresholds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_money
from invoices.models import Invoice
from invoices.payment_ways import PaymentWays, payment_policy_memo
from payments.models import CardLimit, CountryPaymentOptions, PaymentMethod

ONLINE_METHODS = (PaymentMethod.CARD, PaymentMethod.PAYPAL, PaymentMethod.SEPA_DEBIT, PaymentMethod.ACH_DEBIT)
OFFLINE_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.ACH_CREDIT, PaymentMethod.CHEQUE)
DEBIT_CURRENCY: dict[str, str] = {PaymentMethod.SEPA_DEBIT: "EUR", PaymentMethod.ACH_DEBIT: "USD"}


@dataclass(frozen=True)
class PaymentOptions:
    """The methods offered for one payment, and the sentences that explain what is not offered."""

    methods: list[str] = field(default_factory=list)  # online methods, in display order
    offline: bool = True  # bank transfer, ACH credit, cheque with the invoice's remittance instructions
    card_only: bool = False
    notes: list[str] = field(default_factory=list)

    def allows(self, method: str) -> bool:
        return method in self.methods or (self.offline and method in OFFLINE_METHODS)


def _card_limit(*, currency: str, memo: dict[object, object] | None = None) -> CardLimit | None:
    """The card limit of `currency`, read once per invoice page when given its policy memo."""
    key = ("card_limit", currency)
    if memo is not None and key in memo:
        remembered = memo[key]
        return remembered if isinstance(remembered, CardLimit) else None
    limit = CardLimit.objects.filter(currency=currency).first()
    if memo is not None:
        memo[key] = limit
    return limit


def payment_options(
    *,
    country: str,
    currency: str,
    amount: Decimal,
    invoice_balances: Sequence[Decimal],
    memo: dict[object, object] | None = None,
) -> PaymentOptions:
    """The methods for paying `amount` in `currency` over invoices owing `invoice_balances`.

    `memo`: an invoice's policy memo (invoices.payment_ways), which keeps the card limit for its page."""
    row = CountryPaymentOptions.objects.filter(country=country.upper()).first()
    if row is None or not row.online_payment:
        return PaymentOptions(
            offline=True,
            notes=[
                _(
                    "Online payment is not available in your country. Pay by bank transfer, ACH or cheque "
                    "with the remittance instructions printed on the invoice."
                )
            ],
        )
    limit = _card_limit(currency=currency, memo=memo)
    notes: list[str] = []
    if limit is None:  # no card limit configured for this currency: the card is not offered in it
        if row.card:
            notes.append(_("Card payment is not available in %(currency)s.") % {"currency": currency})
        return PaymentOptions(
            methods=_methods_besides_card(row=row, currency=currency),
            offline=True,
            card_only=False,
            notes=notes,
        )
    card_accepted = row.card
    if card_accepted and (
        amount < limit.card_only_below or any(balance < limit.card_only_below for balance in invoice_balances)
    ):
        threshold = format_money(limit.card_only_below, currency)
        if amount > limit.max_amount:
            return PaymentOptions(
                methods=[],
                offline=False,
                card_only=True,
                notes=[
                    _(
                        "An invoice of this selection owes less than %(threshold)s and can only be paid by "
                        "card, but card payments are limited to %(limit)s. Pay that invoice on its own."
                    )
                    % {"threshold": threshold, "limit": format_money(limit.max_amount, currency)}
                ],
            )
        return PaymentOptions(
            methods=[PaymentMethod.CARD],
            offline=False,
            card_only=True,
            notes=[
                _(
                    "Payments under %(threshold)s, and invoices owing less than that, can only be paid by "
                    "card. Selecting several invoices together does not change this."
                )
                % {"threshold": threshold}
            ],
        )
    methods: list[str] = []
    if card_accepted and amount <= limit.max_amount:
        methods.append(PaymentMethod.CARD)
    elif card_accepted:
        notes.append(
            _(
                "Card payments are limited to %(limit)s per payment. Pay this amount with another method "
                "below, by bank transfer, ACH or cheque, or pay a smaller amount by card."
            )
            % {"limit": format_money(limit.max_amount, currency)}
        )
    methods += _methods_besides_card(row=row, currency=currency)
    return PaymentOptions(methods=methods, offline=True, card_only=False, notes=notes)


def _methods_besides_card(*, row: CountryPaymentOptions, currency: str) -> list[str]:
    methods: list[str] = [PaymentMethod.PAYPAL] if row.paypal else []
    for method, enabled in (
        (PaymentMethod.SEPA_DEBIT, row.sepa_debit),
        (PaymentMethod.ACH_DEBIT, row.ach_debit),
    ):
        if enabled and DEBIT_CURRENCY[method] == currency:
            methods.append(method)
    return methods


@dataclass(frozen=True)
class CardThresholds:
    """The configured card numbers of a currency: the 100 000 USD limit and the 2 000 USD card-only line."""

    currency: str
    max_amount: Decimal
    card_only_below: Decimal


def card_thresholds(*, currency: str, memo: dict[object, object] | None = None) -> CardThresholds | None:
    """What pages state about the card in `currency`; None when the card is not configured for it."""
    limit = _card_limit(currency=currency.upper(), memo=memo)
    if limit is None:
        return None
    return CardThresholds(
        currency=limit.currency, max_amount=limit.max_amount, card_only_below=limit.card_only_below
    )


def invoice_payment_options(*, invoice: Invoice) -> PaymentOptions:
    """The methods for paying one invoice's balance in one payment: what its page and PDF offer.

    An invoice with nothing left to pay is judged on its total, so that its PDF and page say the same
    before and after it was paid.
    """
    amount = invoice.amount_due if invoice.amount_due > 0 else invoice.total
    memo = payment_policy_memo(invoice=invoice)
    key = ("options", invoice.account.country, invoice.currency, amount)
    if memo is not None and key in memo:
        remembered: PaymentOptions = memo[key]
        return remembered
    options = payment_options(
        country=invoice.account.country,
        currency=invoice.currency,
        amount=amount,
        invoice_balances=[amount],
        memo=memo,
    )
    if memo is not None:
        memo[key] = options
    return options


def remittance_options(*, invoice: Invoice, amount: Decimal) -> PaymentOptions:
    """The methods for a transfer of `amount` announced for `invoice`: the amount sent and the invoice's
    balance both count, as on the pay page (a 1 500 USD transfer on a 5 000 USD invoice is card only)."""
    return payment_options(
        country=invoice.account.country,
        currency=invoice.currency,
        amount=amount,
        invoice_balances=[invoice.amount_due if invoice.amount_due > 0 else invoice.total],
    )


def invoice_payment_ways(invoice: Invoice) -> PaymentWays:
    """The policy's answer for the invoices app (page, PDF, admin), which may not import this module."""
    options = invoice_payment_options(invoice=invoice)
    variant = ""
    if not options.offline:
        thresholds = card_thresholds(currency=invoice.currency, memo=payment_policy_memo(invoice=invoice))
        variant = f"card{thresholds.card_only_below}" if thresholds else "card"
    return PaymentWays(
        remittance=options.offline,
        online=bool(options.methods),
        card_only=options.card_only,
        notes=tuple(options.notes),
        variant=variant,
    )


def autopay_methods(*, country: str, currency: str) -> list[str]:
    """What an account may save for automatic payment: the card where it is offered in the currency, and
    direct debit (SEPA in EUR, ACH in USD) where the country and the currency allow it."""
    row = CountryPaymentOptions.objects.filter(country=country.upper(), online_payment=True).first()
    if row is None:
        return []
    methods: list[str] = []
    if row.card and CardLimit.objects.filter(currency=currency).exists():
        methods.append(PaymentMethod.CARD)
    if row.sepa_debit and DEBIT_CURRENCY[PaymentMethod.SEPA_DEBIT] == currency:
        methods.append(PaymentMethod.SEPA_DEBIT)
    if row.ach_debit and DEBIT_CURRENCY[PaymentMethod.ACH_DEBIT] == currency:
        methods.append(PaymentMethod.ACH_DEBIT)
    return methods
