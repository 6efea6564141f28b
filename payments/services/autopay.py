"""Automatic payment: a card or debit mandate saved with a Stripe SetupIntent, and a daily job that
debits each invoice on its due date, once (one AutoPayRun row per invoice and due date)."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from invoices.locking import invoices_lock
from invoices.models import Invoice
from payments.ledger import PaymentError, payment_create
from payments.models import (
    AutoPay,
    AutoPayRun,
    Payment,
    PaymentMethod,
    PaymentProvider,
    SavedPaymentMethod,
)
from payments.policy import DEBIT_CURRENCY, payment_options
from payments.policy import autopay_methods as policy_autopay_methods
from payments.providers import stripe_gateway
from payments.providers.base import GatewayError
from payments.services.online import payment_plan
from payments.services.online_charge import STRIPE_METHOD_TYPE, payment_stripe_charge, stripe_customer_ensure

logger = logging.getLogger(__name__)
CATCH_UP = datetime.timedelta(days=3)  # a day the job did not run is caught up, never later


def autopay_methods(*, account: CustomerAccount) -> list[str]:
    """What the account may save for automatic payment: the method policy's answer for its country and currency."""
    return policy_autopay_methods(country=account.country, currency=account.currency)


def autopay_setup_start(*, account: CustomerAccount, method: str) -> str:
    """A SetupIntent the billing contact confirms in the browser; returns its client secret."""
    customer_id = stripe_customer_ensure(account=account)
    _id, secret = stripe_gateway.setup_intent_create(
        customer_id=customer_id,
        method_types=[STRIPE_METHOD_TYPE[method]],
        metadata={"autopay": account.customer_number},
    )
    return secret


def autopay_method_save(
    *, account: CustomerAccount, user: User, method: str, setup_intent_id: str, request=None
) -> AutoPay:
    """Keep the confirmed card or mandate and switch automatic payment on with it."""
    if method not in autopay_methods(account=account):
        raise PaymentError(_("This method cannot be used for automatic payment on this account."))
    # Stripe is asked before the transaction opens: no connection sits idle in a transaction during HTTP.
    customer_id = stripe_customer_ensure(account=account)
    found = stripe_gateway.setup_intent_payment_method(
        setup_intent_id=setup_intent_id, customer_id=customer_id
    )
    if found is None:
        raise PaymentError(_("The payment details could not be confirmed. Please try again."))
    pm_id, label = found
    with transaction.atomic():
        saved, _created = SavedPaymentMethod.objects.get_or_create(
            provider=PaymentProvider.STRIPE,
            provider_method_id=pm_id,
            defaults={
                "account": account,
                "method": method,
                "provider_customer_id": customer_id,
                "label": label or PaymentMethod(method).label,
                "created_by": user,
            },
        )
        if saved.account_id != account.pk:
            raise PaymentError(_("This payment method belongs to another account."))
        CustomerAccount.objects.select_for_update().get(pk=account.pk)
        autopay, _created = AutoPay.objects.update_or_create(
            account=account, defaults={"saved_method": saved, "enabled": True, "updated_by": user}
        )
        activity_record(
            account=account,
            actor=user,
            action="autopay.enabled",
            params={"variant": "with", "payment_method": saved.label},
            target=saved.label,
            request=request,
        )
        return autopay


@transaction.atomic
def autopay_switch(*, account: CustomerAccount, user: User, enabled: bool, request=None) -> AutoPay:
    autopay = AutoPay.objects.select_for_update().filter(account=account).first()
    if autopay is None:
        raise PaymentError(_("Save a card or a mandate first."))
    if autopay.enabled != enabled:
        autopay.enabled = enabled
        autopay.updated_by = user
        autopay.save(update_fields=["enabled", "updated_by", "updated_at"])
        activity_record(
            account=account,
            actor=user,
            action="autopay.enabled" if enabled else "autopay.disabled",
            request=request,
        )
    return autopay


def autopay_run_due(*, today: datetime.date | None = None) -> int:
    """The daily job: debit each invoice of an account with automatic payment on its due date. Returns runs made."""
    today = today or timezone.localdate()
    runs = 0
    for autopay in AutoPay.objects.filter(enabled=True).select_related("account", "saved_method"):
        due = Invoice.objects.payable().filter(
            account=autopay.account, due_date__lte=today, due_date__gte=today - CATCH_UP
        )
        for invoice in due.order_by("due_date", "pk"):
            if autopay_invoice_charge(autopay=autopay, invoice=invoice) is not None:
                runs += 1
    return runs


def autopay_invoice_charge(*, autopay: AutoPay, invoice: Invoice) -> AutoPayRun | None:
    """One attempt per invoice and due date; None when it was already made."""
    try:
        with transaction.atomic():
            run = AutoPayRun.objects.create(invoice=invoice, due_date=invoice.due_date)
    except IntegrityError:
        return None
    saved = autopay.saved_method
    try:
        payment = _autopay_payment_create(autopay=autopay, invoice=invoice)
        outcome = payment_stripe_charge(
            payment=payment, payment_method_id=saved.provider_method_id, off_session=True
        )
        run.payment = outcome.payment
        run.outcome = outcome.payment.status + (f": {outcome.error}" if outcome.error else "")
    except (PaymentError, GatewayError) as error:
        run.outcome = f"not charged: {error}"[:300]
        logger.warning("Automatic payment of %s not charged: %s", invoice.number, error)
    run.save(update_fields=["payment", "outcome"])
    return run


def _autopay_payment_create(*, autopay: AutoPay, invoice: Invoice) -> Payment:
    method = autopay.saved_method.method
    with transaction.atomic():
        (locked,) = invoices_lock(invoice_ids=[invoice.pk])
        if method in DEBIT_CURRENCY and DEBIT_CURRENCY[method] != locked.currency:
            raise PaymentError(f"{method} cannot pay {locked.currency}")
        plan = payment_plan(invoices=[locked])
        options = payment_options(
            country=autopay.account.country,
            currency=plan.currency,
            amount=plan.amount,
            invoice_balances=[locked.amount_due],
        )
        if method not in options.methods:
            raise PaymentError(" ".join(options.notes) or f"{method} not offered")
        return payment_create(
            account=autopay.account,
            method=method,
            provider=PaymentProvider.STRIPE,
            amount=plan.amount,
            currency=plan.currency,
            started_by=None,
            intended_allocations=plan.parts,
            idempotency_key=f"autopay-{locked.pk}-{locked.due_date.isoformat()}",
        )
