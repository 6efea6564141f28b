"""Payment providers behind one gateway interface (base.PaymentGateway): `gateway_for(provider)`."""

from __future__ import annotations

from payments.models import PaymentProvider
from payments.providers import offline_gateway, paypal_gateway, stripe_gateway
from payments.providers.base import PaymentGateway

GATEWAYS: dict[str, PaymentGateway] = {
    PaymentProvider.STRIPE: stripe_gateway.GATEWAY,
    PaymentProvider.PAYPAL: paypal_gateway.GATEWAY,
    PaymentProvider.OFFLINE: offline_gateway.GATEWAY,
}


def gateway_for(provider: str) -> PaymentGateway:
    """The gateway of a provider; KeyError for rewards and internal payments, which have none."""
    return GATEWAYS[provider]
