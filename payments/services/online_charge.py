"""Charging online through the gateways: Stripe (a typed card: a PaymentIntent confirmed in the browser;
saved cards and debit mandates: SetupIntent, then a PaymentIntent confirmed here) and PayPal (Orders v2).

Each provider call for a payment happens under the lock of our Payment row: a second request for the
same payment waits, then finds the provider reference and only reads the provider's state. Lock order
everywhere: the payment row, then (when settling) the invoices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from payments.ledger import PaymentError
from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, ProviderCustomer
from payments.providers import gateway_for, stripe_gateway
from payments.providers.base import GatewayResult, StartParams
from payments.services.online import DEBIT_METHODS, payment_fail, payment_result_apply

STRIPE_METHOD_TYPE: dict[str, str] = {
    PaymentMethod.CARD: "card",
    PaymentMethod.SEPA_DEBIT: "sepa_debit",
    PaymentMethod.ACH_DEBIT: "us_bank_account",
}


@dataclass(frozen=True)
class ChargeOutcome:
    payment: Payment
    # The browser confirms the PaymentIntent with it: with the card details when `needs_payment_method`,
    # else it finishes 3-D Secure.
    client_secret: str = ""
    error: str = ""
    needs_payment_method: bool = False


def _outcome(payment: Payment, result: GatewayResult | None = None) -> ChargeOutcome:
    pending = payment.status == PaymentStatus.PENDING and result is not None
    return ChargeOutcome(
        payment,
        client_secret=result.client_secret if pending and result is not None else "",
        error=payment.failure_message if payment.status == PaymentStatus.FAILED else "",
        needs_payment_method=pending and result is not None and result.needs_payment_method,
    )


def _declined_intent_cancel(*, payment: Payment, result: GatewayResult) -> GatewayResult:
    """A card declined (or 3-D Secure failed) leaves its PaymentIntent waiting for another card, and the
    browser holds its client secret: cancel it at Stripe before our row fails and its hold ends. If Stripe
    says it was paid meanwhile (another tab), that answer is the one applied."""
    if result.status != PaymentStatus.FAILED or result.cancelled or not payment.provider_reference:
        return result
    ended = gateway_for(PaymentProvider.STRIPE).cancel(payment=payment)
    if ended.status == PaymentStatus.FAILED:
        return replace(result, cancelled=ended.cancelled)
    return ended


def payment_provider_apply(
    *,
    payment: Payment,
    result: GatewayResult,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Payment:
    """Record the provider object's reference on the (locked) payment row, then apply the answer."""
    if result.provider_reference and payment.provider_reference != result.provider_reference:
        payment.provider_reference = result.provider_reference
        payment.save(update_fields=["provider_reference"])
    return payment_result_apply(payment=payment, result=result, actor=actor, request=request)


# --- Stripe: card and SEPA debit ----------------------------------------------------------------------


def stripe_customer_ensure(*, account: CustomerAccount) -> str:
    row = ProviderCustomer.objects.filter(account=account, provider=PaymentProvider.STRIPE).first()
    if row is not None:
        return row.customer_id
    customer_id = stripe_gateway.customer_create(
        name=account.legal_name, email=account.contract_email, account_number=account.customer_number
    )
    try:
        with transaction.atomic():
            row, _created = ProviderCustomer.objects.get_or_create(
                account=account, provider=PaymentProvider.STRIPE, defaults={"customer_id": customer_id}
            )
    except IntegrityError:
        row = ProviderCustomer.objects.get(account=account, provider=PaymentProvider.STRIPE)
    return row.customer_id


def payment_setup_start(*, payment: Payment) -> str:
    """A SetupIntent for the payer's card or mandate, confirmed in the browser; returns its client secret."""
    customer_id = stripe_customer_ensure(account=payment.account)
    _id, secret = stripe_gateway.setup_intent_create(
        customer_id=customer_id,
        method_types=[STRIPE_METHOD_TYPE[payment.method]],
        metadata={"payment_reference": payment.reference},
    )
    return secret


def payment_card_intent(
    *, payment: Payment, actor: User | None = None, request: HttpRequest | None = None
) -> ChargeOutcome:
    """The PaymentIntent of a card payment, for Stripe.js to confirm once with the card the payer types.

    Created once, under our row's lock, from our row's amount and with its idempotency key; a second call
    (a reload, another tab) reads where it stands instead."""
    gateway = gateway_for(PaymentProvider.STRIPE)
    customer_id = stripe_customer_ensure(account=payment.account)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("account").get(pk=payment.pk)
        if locked.status != PaymentStatus.PENDING or locked.method != PaymentMethod.CARD:
            return _outcome(locked)
        if locked.provider_reference:
            result = _declined_intent_cancel(payment=locked, result=gateway.confirm(payment=locked))
        else:
            result = gateway.start(
                payment=locked,
                params=StartParams(
                    customer_id=customer_id,
                    method_type=STRIPE_METHOD_TYPE[locked.method],
                    confirm_in_browser=True,
                ),
            )
        locked = payment_provider_apply(payment=locked, result=result, actor=actor, request=request)
    return _outcome(locked, result)


def payment_stripe_charge(
    *,
    payment: Payment,
    setup_intent_id: str = "",
    payment_method_id: str = "",
    off_session: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> ChargeOutcome:
    """Create the PaymentIntent once for our payment row (under its lock) and apply the answer."""
    gateway = gateway_for(PaymentProvider.STRIPE)
    customer_id = stripe_customer_ensure(account=payment.account)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("account").get(pk=payment.pk)
        if locked.status != PaymentStatus.PENDING:
            return _outcome(locked)
        if locked.provider_reference:
            result = gateway.confirm(payment=locked)
        else:
            if not payment_method_id:
                found = stripe_gateway.setup_intent_payment_method(
                    setup_intent_id=setup_intent_id, customer_id=customer_id
                )
                payment_method_id = found[0] if found else ""
            result = gateway.start(
                payment=locked,
                params=StartParams(
                    customer_id=customer_id,
                    payment_method_id=payment_method_id,
                    method_type=STRIPE_METHOD_TYPE[locked.method],
                    off_session=off_session or locked.method in DEBIT_METHODS,
                ),
            )
        locked = payment_provider_apply(payment=locked, result=result, actor=actor, request=request)
    return _outcome(locked, result)


def payment_stripe_refresh(
    *, payment: Payment, actor: User | None = None, request: HttpRequest | None = None
) -> ChargeOutcome:
    """After the browser confirmed the PaymentIntent (card details, 3-D Secure): read it and apply its state."""
    result = None
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == PaymentStatus.PENDING and locked.provider_reference:
            result = gateway_for(PaymentProvider.STRIPE).confirm(payment=locked)
            if locked.method == PaymentMethod.CARD:
                result = _declined_intent_cancel(payment=locked, result=result)
            locked = payment_result_apply(payment=locked, result=result, actor=actor, request=request)
    return _outcome(locked, result)


# --- PayPal ------------------------------------------------------------------------------------------


def payment_paypal_approval_url(*, payment: Payment, return_url: str, cancel_url: str) -> str:
    """The order for our payment (the same PayPal-Request-Id gives the same order on a reload)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != PaymentStatus.PENDING:
            raise PaymentError(_("This payment is no longer waiting for PayPal."))
        invoices = ", ".join(entry["number"] for entry in locked.intended_allocations)
        result = gateway_for(PaymentProvider.PAYPAL).start(
            payment=locked,
            params=StartParams(
                return_url=return_url, cancel_url=cancel_url, description=f"{locked.reference} {invoices}"
            ),
        )
        if locked.provider_reference != result.provider_reference:
            locked.provider_reference = result.provider_reference
            locked.save(update_fields=["provider_reference"])
    return result.redirect_url


def payment_paypal_capture(
    *, payment: Payment, order_id: str, actor: User | None = None, request: HttpRequest | None = None
) -> ChargeOutcome:
    """Capture on the payer's return; a reload or a second tab reads the first capture's result."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not order_id or order_id != locked.provider_reference:
            raise PaymentError(_("This PayPal order does not belong to this payment."))
        if locked.status != PaymentStatus.PENDING:
            return _outcome(locked)
        result = gateway_for(PaymentProvider.PAYPAL).confirm(payment=locked)
        locked = payment_result_apply(payment=locked, result=result, actor=actor, request=request)
    return _outcome(locked)


def payment_paypal_cancel(
    *, payment: Payment, order_id: str, actor: User | None = None, request: HttpRequest | None = None
) -> Payment:
    """The payer cancelled in PayPal: the order can no longer be approved, so nothing can be charged."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != PaymentStatus.PENDING or order_id != locked.provider_reference:
            return locked
        return payment_fail(
            payment=locked,
            message="Cancelled in PayPal: nothing was charged.",
            cancelled_by_payer=True,
            actor=actor,
            request=request,
        )
