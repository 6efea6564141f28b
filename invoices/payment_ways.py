"""How an invoice may be paid, as its page, its PDF and the invoice admin show it.

The method policy (country, card limit, card only under a threshold) is the payments app's, which this app
may not import. Payments registers its decision here in `PaymentsConfig.ready()`; the invoices app asks
`invoice_payment_ways()` and renders what it is told. Without a registered policy (invoices alone),
every way is shown, as before there was a policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from invoices.models import Invoice


@dataclass(frozen=True)
class PaymentWays:
    remittance: bool = True  # bank transfer, ACH credit and cheque with the remittance instructions
    online: bool = True  # card, PayPal or direct debit in the portal
    card_only: bool = False
    notes: tuple[str, ...] = ()  # why a way is not offered, in the active language
    # Part of the cached PDF's name when the decision differs from "everything offered", so that a
    # change of the configured threshold renders the PDF again ("" keeps the historical names).
    variant: str = ""


PaymentWaysPolicy = Callable[[Invoice], PaymentWays]
_policy: PaymentWaysPolicy | None = None


def payment_ways_policy_register(policy: PaymentWaysPolicy) -> None:
    global _policy
    _policy = policy


_POLICY_MEMO = "_payment_policy_memo"


def payment_policy_memo_start(*, invoice: Invoice) -> None:
    """From now on, `invoice` (this object, which lives for one request) keeps the policy's answers: the
    invoice page asks them several times (its payment ways, the remittance panel, the transfer notice)."""
    invoice.__dict__[_POLICY_MEMO] = {}


def payment_policy_memo(*, invoice: Invoice) -> dict | None:
    """The memo started by `payment_policy_memo_start` (the policy reads and fills it), else None."""
    return invoice.__dict__.get(_POLICY_MEMO)


def invoice_payment_ways(*, invoice: Invoice) -> PaymentWays:
    """What may be offered to pay `invoice` (its account is read: select_related it on lists)."""
    if _policy is None:
        return PaymentWays()
    return _policy(invoice)
