"""What every payment provider module returns and raises, so services and views handle them one way."""

from __future__ import annotations

from dataclasses import dataclass

from payments.ledger import PaymentError
from payments.models import PaymentStatus


class PaymentDeclined(PaymentError):
    """The provider refused the money (card declined, PayPal instrument declined); the message is safe to show."""


class RedirectRequired(PaymentError):  # noqa: N818 — a control-flow signal, not a failure
    """The payer must continue on the provider's page (PayPal approval)."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


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
    mandate_reference: str = ""

    @property
    def requires_action(self) -> bool:
        return self.status == PaymentStatus.PENDING and bool(self.client_secret)
