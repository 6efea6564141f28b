"""What every payment provider module returns and raises, so services and views handle them one way."""

from __future__ import annotations

from dataclasses import dataclass

from payments.ledger import PaymentError


class PaymentDeclined(PaymentError):
    """The provider refused the money (card declined, PayPal instrument declined); the message is safe to show."""


class GatewayError(PaymentError):
    """The provider could not be reached or answered something unexpected: nothing is known to be charged."""


@dataclass(frozen=True)
class GatewayResult:
    """A provider's answer in our terms.

    `status` is one of PaymentStatus: pending (the payer must act: `client_secret` for 3-D Secure),
    processing (a debit on its way), succeeded, failed (`failure_message` safe to show).
    """

    provider_reference: str
    status: str
    client_secret: str = ""
    failure_message: str = ""
