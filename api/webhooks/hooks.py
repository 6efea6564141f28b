"""Where each webhook event comes from: a row the lower apps already write in the transaction of the change.

The lower apps may not import api, so ApiConfig.ready() connects these receivers to their models'
post_save; each runs inside the writer's transaction, so the event (and its deliveries) commit with the
change or not at all.

    invoice.issued       InvoiceEvent draft → issued (invoices.services.invoice_transition); the import's bulk
                         batches through invoices.signals.invoices_issued_in_bulk
    invoice.overdue      the overdue notice recorded in the email outbox (once per invoice)
    invoice.paid         an Allocation that brings the invoice's balance to 0 (payments.ledger)
    payment.succeeded    PaymentEvent → succeeded (payments.ledger.payment_create / payment_transition)
    payment.failed       PaymentEvent → failed
    credit_memo.issued   a CreditMemo row
    rewards.deposited    rewards.signals.rewards_deposited, sent by a month's accrual (written in SQL)
    rewards.expiring     the ExpiryReminder of a lot (30 days before it expires; the daily job inserts them
                         in SQL, so through its reminder email in the outbox, once per lot)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.signals import post_save
from django.utils import timezone

from api.models import WebhookEndpoint
from api.models import WebhookEventType as Type
from api.webhooks.events import (
    credit_memo_data,
    invoice_data,
    lot_data,
    money,
    payment_data,
    webhook_event_record,
)
from invoices.models import CreditMemo, Invoice, InvoiceEvent, InvoiceState
from invoices.signals import invoices_issued_in_bulk
from notifications.models import OutboxEmail
from payments.models import Allocation, Payment, PaymentEvent, PaymentStatus
from rewards.models import ExpiryReminder, RewardLot
from rewards.signals import rewards_deposited

OVERDUE_EMAIL_KIND = "invoice.overdue"
EXPIRY_REMINDER_EMAIL_KIND = "rewards.expiry_reminder"  # its object: the ExpiryReminder (inserted by raw SQL)


def on_invoice_event(sender, instance: InvoiceEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if (
        not created
        or raw
        or instance.to_state != InvoiceState.ISSUED
        or instance.from_state != InvoiceState.DRAFT
    ):
        return
    invoice = Invoice.objects.get(pk=instance.invoice_id)
    invoice.state = InvoiceState.ISSUED  # the transition saves the state right after this row
    invoice.version += 1
    webhook_event_record(
        account_id=invoice.account_id,
        type=Type.INVOICE_ISSUED,
        dedupe_key=f"invoice.issued:{invoice.pk}",
        data=invoice_data(invoice, status=invoice.status_on(timezone.localdate())),
    )


def on_invoices_issued_in_bulk(sender, invoices: list[Invoice], **kwargs) -> None:
    listening = set(
        WebhookEndpoint.objects.filter(
            account_id__in={invoice.account_id for invoice in invoices},
            is_active=True,
            events__contains=[Type.INVOICE_ISSUED],
        ).values_list("account_id", flat=True)
    )
    today = timezone.localdate()
    for invoice in invoices:
        if invoice.account_id in listening:
            webhook_event_record(
                account_id=invoice.account_id,
                type=Type.INVOICE_ISSUED,
                dedupe_key=f"invoice.issued:{invoice.pk}",
                data=invoice_data(invoice, status=invoice.status_on(today)),
            )


def on_outbox_email(sender, instance: OutboxEmail, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.object_id is None or instance.resend_of_id is not None:
        return
    if instance.kind == EXPIRY_REMINDER_EMAIL_KIND:
        on_expiry_reminder(ExpiryReminder, ExpiryReminder(pk=instance.object_id), created=True)
        return
    if instance.kind != OVERDUE_EMAIL_KIND:
        return
    if instance.content_type_id != ContentType.objects.get_for_model(Invoice).pk:
        return
    invoice = Invoice.objects.get(pk=instance.object_id)
    webhook_event_record(
        account_id=invoice.account_id,
        type=Type.INVOICE_OVERDUE,
        dedupe_key=f"invoice.overdue:{invoice.pk}:{invoice.due_date.isoformat()}",
        data=invoice_data(invoice),
    )


def on_allocation(sender, instance: Allocation, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.amount <= 0:
        return
    invoice = Invoice.objects.get(pk=instance.invoice_id)
    if invoice.amount_due > 0:
        return
    webhook_event_record(
        account_id=invoice.account_id,
        type=Type.INVOICE_PAID,
        dedupe_key=f"invoice.paid:{invoice.pk}:{invoice.version}",
        data=invoice_data(invoice),
    )


def on_payment_event(sender, instance: PaymentEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.to_status not in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED):
        return
    payment = Payment.objects.get(pk=instance.payment_id)
    if instance.to_status == PaymentStatus.FAILED and instance.note:
        payment.failure_message = instance.note[:500]
    kind = Type.PAYMENT_SUCCEEDED if instance.to_status == PaymentStatus.SUCCEEDED else Type.PAYMENT_FAILED
    webhook_event_record(
        account_id=payment.account_id,
        type=kind,
        dedupe_key=f"{kind}:{payment.pk}",
        data=payment_data(payment, status=instance.to_status),
    )


def on_credit_memo(sender, instance: CreditMemo, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    memo = CreditMemo.objects.select_related("invoice").get(pk=instance.pk)
    webhook_event_record(
        account_id=memo.invoice.account_id,
        type=Type.CREDIT_MEMO_ISSUED,
        dedupe_key=f"credit_memo.issued:{memo.pk}",
        data=credit_memo_data(memo),
    )


def on_rewards_deposited(sender, deposits: list[tuple[int, int, datetime.date]], **kwargs) -> None:
    # A month-end run passes thousands of accounts: one query finds the few that listen.
    listening = set(
        WebhookEndpoint.objects.filter(
            account_id__in=[account_id for account_id, _accrual_id, _month in deposits],
            is_active=True,
            events__contains=[Type.REWARDS_DEPOSITED],
        ).values_list("account_id", flat=True)
    )
    for account_id, accrual_id, month in deposits:
        if account_id not in listening:
            continue
        lots = list(RewardLot.objects.filter(accrual_id=accrual_id).order_by("subscription_number", "id"))
        if not lots:
            continue
        webhook_event_record(
            account_id=account_id,
            type=Type.REWARDS_DEPOSITED,
            dedupe_key=f"rewards.deposited:{accrual_id}",
            data={
                "object": "rewards_deposit",
                "month": f"{month:%Y-%m}",
                "amount": money(
                    sum((lot.amount for lot in lots), start=lots[0].amount * 0), lots[0].currency
                ),
                "lots": [lot_data(lot) for lot in lots],
            },
        )


def on_expiry_reminder(sender, instance: ExpiryReminder, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    lot = RewardLot.objects.select_related("rewards_account").get(expiry_reminder__pk=instance.pk)
    webhook_event_record(
        account_id=lot.rewards_account.account_id,
        type=Type.REWARDS_EXPIRING,
        dedupe_key=f"rewards.expiring:{lot.pk}",
        data=lot_data(lot),
    )


def hooks_connect() -> None:
    receivers: list[tuple[Callable[..., None], type[Model]]] = [
        (on_invoice_event, InvoiceEvent),
        (on_outbox_email, OutboxEmail),
        (on_allocation, Allocation),
        (on_payment_event, PaymentEvent),
        (on_credit_memo, CreditMemo),
        (on_expiry_reminder, ExpiryReminder),
    ]
    for receiver, model in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"api-webhooks-{model.__name__}")
    rewards_deposited.connect(on_rewards_deposited, dispatch_uid="api-webhooks-rewards-deposited")
    invoices_issued_in_bulk.connect(on_invoices_issued_in_bulk, dispatch_uid="api-webhooks-invoices-issued")
