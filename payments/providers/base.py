"""The one gateway interface: every provider (stripe, paypal, offline) starts, confirms, cancels, refunds
and parses its webhooks into the same shapes, so services and views handle them one way.

A decline is a result (status failed, `failure_message` safe to show), a redirect is a result (status
pending, `redirect_url`), 3-D Secure is a result (status pending, `client_secret`). Only a broken
provider raises: GatewayError and its two subclasses, nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from payments.ledger import PaymentError
from payments.models import Payment, PaymentStatus

WEBHOOK_TOLERANCE_SECONDS = 300  # signed longer ago (a replay) or further ahead (a forged clock): refused


class GatewayError(PaymentError):
    """The provider is broken for now: nothing is known to be charged, the caller may try again later."""


class GatewayUnavailable(GatewayError):
    """The provider could not be reached, timed out, or answered 5xx."""


class GatewayProtocolError(GatewayError):
    """The provider answered something we do not understand (a request it refused that is not a decline)."""


class WebhookRejected(Exception):  # noqa: N818 — an outcome, like Http404
    """A genuine (signed) event in a shape we don't accept: answered 400, recorded as rejected, never applied.

    `event_id` is the provider's id when usable, else "sha256:<hash of the body>" (the same on each retry);
    `payload` is the JSON as received (NUL characters replaced: PostgreSQL's jsonb refuses them), or the
    body's text when it isn't JSON."""

    def __init__(self, reason: str, *, event_id: str, event_type: str, payload: Any):
        super().__init__(reason)
        self.reason, self.event_id, self.event_type, self.payload = reason, event_id, event_type, payload


@dataclass(frozen=True)
class StartParams:
    """What a provider needs beyond our payment row (amount, currency, reference, idempotency key)."""

    customer_id: str = ""  # Stripe customer of the account
    payment_method_id: str = ""  # Stripe card or mandate (saved, or from a SetupIntent)
    method_type: str = ""  # Stripe payment_method_types entry: card, sepa_debit, us_bank_account
    off_session: bool = False  # nobody at the keyboard (automatic payment, debit)
    # Stripe card typed by the payer: the PaymentIntent is created unconfirmed and the browser confirms it
    # with the card details (Stripe.js), so that 3-D Secure, when the bank wants it, is asked there once.
    confirm_in_browser: bool = False
    return_url: str = ""  # PayPal: where the payer comes back after approving
    cancel_url: str = ""  # PayPal: where the payer comes back after cancelling
    description: str = ""


@dataclass(frozen=True)
class GatewayResult:
    """A provider's answer about one payment, in our terms.

    `status` is a PaymentStatus value: pending (the payer must act: `client_secret` for 3-D Secure, or
    for the card details when `needs_payment_method`; `redirect_url` to approve at the provider;
    `approved` when the payer did and our confirm call finishes it), processing (a debit on its way),
    succeeded, failed (`failure_message`, English, translated for display by providers.messages;
    `cancelled` when the provider object is cancelled, voided or expired, so that nothing can be charged
    on it any more).
    """

    provider_reference: str
    status: str
    client_secret: str = ""
    redirect_url: str = ""
    failure_message: str = ""
    cancelled: bool = False
    approved: bool = False
    needs_payment_method: bool = False

    @property
    def is_final(self) -> bool:
        return self.status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED)


class RefundStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    PENDING = "pending"  # the provider accepted it and settles it later
    MANUAL = "manual"  # offline: staff pay it by bank transfer and record its reference
    FAILED = "failed"


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str
    status: RefundStatus
    failure_message: str = ""


class EventKind(enum.StrEnum):
    """What a provider event means for our payment row, whatever the provider calls it."""

    SUCCEEDED = "succeeded"  # the money is ours
    PROCESSING = "processing"  # a debit or a pending capture is on its way
    FAILED = "failed"  # declined or failed before any money moved
    CANCELLED = "cancelled"  # the provider object is cancelled, voided or expired: nothing can be charged
    APPROVED = "approved"  # the payer approved (PayPal): our confirm call captures
    RETURNED = "returned"  # a debit that succeeded came back (bank return, dispute)
    OTHER = "other"  # nothing for us to do


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider event, normalized. `payload` is the raw event, stored once by its id."""

    provider: str
    event_id: str
    event_type: str
    kind: EventKind
    provider_reference: str = ""  # the provider object of our payment (PaymentIntent id, order id)
    payment_reference: str = ""  # our payment reference, when the provider echoes it back
    failure_message: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    # What the provider object is for, compared with our payment row before anything is applied
    # (None: the event carries no amount, e.g. a dispute or an event we ignore).
    amount: Decimal | None = None
    currency: str = ""


class PaymentGateway(Protocol):
    """One implementation per provider module: stripe_gateway, paypal_gateway, offline_gateway."""

    provider: str

    def start(self, *, payment: Payment, params: StartParams) -> GatewayResult:
        """Create the provider object for our payment row (once: our idempotency key goes with it)."""
        ...

    def confirm(self, *, payment: Payment) -> GatewayResult:
        """Finish or re-read the provider object after the payer acted (3-D Secure, PayPal approval)."""
        ...

    def cancel(self, *, payment: Payment) -> GatewayResult:
        """Cancel the provider object so nothing can be charged on it; answers its state when it is too late."""
        ...

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> RefundResult:
        """Give back `amount` of a succeeded payment to where it came from."""
        ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        """Verify (signature, time both ways) and normalize an incoming event; None when it is not genuine;
        WebhookRejected when it is genuine but not in a shape we use."""
        ...

    def event_from_payload(self, *, payload: Mapping[str, Any]) -> ProviderEvent:
        """Normalize an event already verified and stored (a retry re-reads the stored payload)."""
        ...
