"""Payment providers behind one gateway interface (base.PaymentGateway): `gateway_for(provider)`.

A provider's module (and its SDK) is imported the first time its gateway is asked for, not at startup.
"""

from __future__ import annotations

import importlib

from payments.models import PaymentProvider
from payments.providers.base import PaymentGateway

GATEWAY_MODULES: dict[str, str] = {
    PaymentProvider.STRIPE: "payments.providers.stripe_gateway",
    PaymentProvider.PAYPAL: "payments.providers.paypal_gateway",
    PaymentProvider.OFFLINE: "payments.providers.offline_gateway",
}


def gateway_for(provider: str) -> PaymentGateway:
    """The gateway of a provider; KeyError for rewards and internal payments, which have none."""
    gateway: PaymentGateway = importlib.import_module(GATEWAY_MODULES[provider]).GATEWAY
    return gateway
