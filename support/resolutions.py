"""Staff close a request with an outcome, and the outcome does what it says.

Disputes go through the ledger (payments/): rejected (the invoice is due again), a credit memo for the
contested amount or lines, a credit memo and a new invoice honoured with what was paid on the old one
(payments.services.cancellation.invoice_reissue_with_paid_amount), or the invoice cancelled (its paid
amount pays the other open invoices oldest first, else a refund is started). Support Rewards follow the
ledger's rule: back to their lots, never cash. Other kinds change the account when accepted (default PO,
tax number, legal name and address).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import ZERO, format_money, quantize
from invoices.locking import invoices_lock
from invoices.models import CreditMemo, Invoice, InvoiceLine, InvoiceState
from invoices.services import InvoiceError, invoice_issue, invoice_transition
from payments.ledger import (
    LedgerError,
    PaymentError,
    account_credit_balance,
    account_credit_move,
    allocation_reverse,
    credit_memo_number,
    invoice_reduce_balance,
)
from payments.models import AccountCredit, Allocation, PaymentMethod, Refund
from payments.services.cancellation import invoice_cancel, invoice_reissue_with_paid_amount
from payments.services.credit import (
    account_credit_apply_oldest_first,
    account_credit_pay,
    open_invoices_in_currency,
    refund_request,
)
from payments.signals import allocation_reversed
from support.emails import credit_memo_email_queue, request_emails_on_close
from support.exceptions import SupportError
from support.models import (
    DISPUTE_OUTCOMES,
    REFUSING_OUTCOMES,
    REQUEST_TRANSITIONS,
    Outcome,
    RequestEvent,
    RequestKind,
    RequestStatus,
    SupportRequest,
)


def dispute_lines_amount(*, support_request: SupportRequest) -> Decimal | None:
    """The contested lines with their tax; None when the dispute names no line."""
    lines = list(support_request.lines.all())
    if not lines:
        return None
    return sum((line.amount + line.tax for line in lines), ZERO)


def _release_paid_part(*, invoice: Invoice, needed: Decimal, actor: User | None, note: str) -> Decimal:
    """Reopen at least `needed` of a locked, (partly) paid invoice's balance by reversing its cash
    allocations, newest first; what they paid becomes account credit. Returns the cash released."""
    released = ZERO
    allocations = Allocation.objects.filter(
        invoice=invoice, amount__gt=0, reversed_by__isnull=True
    ).select_related("payment")
    for allocation in allocations.order_by("-pk"):
        if released >= needed:
            break
        if allocation.payment.method == PaymentMethod.REWARDS:
            continue  # rewards are never cash: a reissue or a cancellation sends them back to their lots
        allocation_reverse(allocation=allocation, invoice=invoice)
        allocation_reversed.send(
            sender=Allocation, allocation=allocation, payment=allocation.payment, actor=actor, reason=note
        )
        account_credit_move(
            account=invoice.account,
            currency=invoice.currency,
            amount=allocation.amount,
            kind=AccountCredit.Kind.DISPUTE,
            payment=allocation.payment,
            invoice=invoice,
            note=note,
            actor=actor,
        )
        released += allocation.amount
    if released < needed:
        raise SupportError(
            _("Support Rewards paid this invoice: resolve with a credit memo and a new invoice instead.")
        )
    return released


def _credit_left_to_other_invoices(
    *, account: CustomerAccount, currency: str, actor: User | None, request
) -> Refund | None:
    """Account credit in `currency` pays the open invoices oldest first; with none open, a refund starts."""
    if account_credit_balance(account=account, currency=currency) <= 0:
        return None
    if open_invoices_in_currency(account=account, currency=currency).exists():
        account_credit_apply_oldest_first(
            account=account,
            currency=currency,
            amount=account_credit_balance(account=account, currency=currency),
            actor=actor,
            request=request,
        )
    if account_credit_balance(account=account, currency=currency) <= 0 or actor is None:
        return None
    if open_invoices_in_currency(account=account, currency=currency).exists():
        return None  # what is left is held by a payment in flight: it stays credit
    return refund_request(account=account, currency=currency, actor=actor, request=request)


def dispute_credit_memo(
    *, support_request: SupportRequest, amount: Decimal | None, actor: User, request=None
) -> CreditMemo:
    """A credit memo for the contested amount (or lines) on the disputed invoice, which is then due again
    for the rest. On a paid invoice the credited part of what was paid pays the other open invoices."""
    invoice = support_request.invoice
    assert invoice is not None  # noqa: S101 — a dispute has its invoice (a database constraint)
    amount = (
        amount or dispute_lines_amount(support_request=support_request) or support_request.contested_amount
    )
    amount = quantize(amount or ZERO, invoice.currency)
    others = open_invoices_in_currency(account=invoice.account, currency=invoice.currency)
    locked = invoices_lock(invoice_ids=[invoice.pk, *others.values_list("pk", flat=True)])
    invoice = next(row for row in locked if row.pk == invoice.pk)
    if amount <= 0 or amount > invoice.total - _credited(invoice):
        raise SupportError(
            _("The credit memo must be more than zero and at most %(max)s.")
            % {"max": format_money(invoice.total - _credited(invoice), invoice.currency)}
        )
    reason = f"Dispute {support_request.reference}"
    paid_released = ZERO
    if amount > invoice.amount_due:
        paid_released = _release_paid_part(
            invoice=invoice,
            needed=amount - invoice.amount_due,
            actor=actor,
            note=f"{invoice.number}: {reason}",
        )
    memo = CreditMemo.objects.create(
        number=credit_memo_number(invoice=invoice),
        invoice=invoice,
        amount=amount,
        currency=invoice.currency,
        reason=reason,
        created_by=actor,
    )
    invoice_reduce_balance(invoice=invoice, amount=amount)
    invoice_transition(invoice=invoice, to_state=InvoiceState.ISSUED, actor=actor, reason=reason)
    if paid_released > 0 and invoice.amount_due > 0:
        # What was paid pays this invoice's remaining balance first.
        account_credit_pay(
            account=invoice.account,
            currency=invoice.currency,
            plan=[(invoice, min(invoice.amount_due, paid_released))],
            actor=actor,
            request=request,
            note=f"Paid amount of {invoice.number} kept after {memo.number}",
        )
    if paid_released > 0:
        support_request.refund = _credit_left_to_other_invoices(
            account=invoice.account, currency=invoice.currency, actor=actor, request=request
        )
    _memo_recorded(memo=memo, actor=actor, request=request)
    return memo


def _credited(invoice: Invoice) -> Decimal:
    return sum((memo.amount for memo in invoice.credit_memos.all()), ZERO)


def _memo_recorded(*, memo: CreditMemo, actor: User | None, request) -> None:
    activity_record(
        account=memo.invoice.account,
        actor=actor,
        action="invoice.credited",
        params={
            "memo": memo.number,
            "amount": str(memo.amount),
            "currency": memo.currency,
            "invoice": memo.invoice.number,
        },
        target=memo.invoice.number,
        request=request,
    )
    credit_memo_email_queue(memo=memo)


def reissue_invoice_build(*, support_request: SupportRequest, actor: User) -> Invoice:
    """The corrected invoice: the old one's lines less the contested ones, under the next free number
    "<old>-R<n>", with the account's current PO; issued (and emailed) at once."""
    old = support_request.invoice
    assert old is not None  # noqa: S101
    contested = {line.pk for line in support_request.lines.all()}
    kept = [line for line in old.lines.order_by("position", "pk") if line.pk not in contested]
    if not kept:
        raise SupportError(_("Every line is contested: cancel the invoice instead of reissuing it."))
    suffix = 1
    while Invoice.objects.filter(number=f"{old.number}-R{suffix}").exists():
        suffix += 1
    today = timezone.localdate()
    subtotal = sum((line.amount for line in kept), ZERO)
    tax = sum((line.tax for line in kept), ZERO)
    new = Invoice.objects.create(
        number=f"{old.number}-R{suffix}",
        account=old.account,
        kind=old.kind,
        issue_date=today,
        payment_terms_days=old.payment_terms_days,
        due_date=max(old.due_date, today),
        currency=old.currency,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        amount_due=subtotal + tax,
        po_number=old.account.default_po_number or old.po_number,
        language=old.language,
        replaces=old,
    )
    for position, line in enumerate(kept, start=1):
        line.pk = None
        line.invoice = new
        line.position = position
    InvoiceLine.objects.bulk_create(kept)
    return invoice_issue(invoice=new, actor=actor)


def _dispute_resolve(
    *,
    support_request: SupportRequest,
    outcome: str,
    amount: Decimal | None,
    new_invoice: Invoice | None,
    actor: User,
    request,
) -> None:
    invoice = support_request.invoice
    assert invoice is not None  # noqa: S101
    reason = f"Dispute {support_request.reference}"
    if outcome == Outcome.DISPUTE_REJECTED:
        invoice_transition(invoice=invoice, to_state=InvoiceState.ISSUED, actor=actor, reason=reason)
        activity_record(
            account=invoice.account,
            actor=actor,
            action="invoice.dispute_rejected",
            params={"invoice": invoice.number},
            target=invoice.number,
            request=request,
        )
    elif outcome == Outcome.CREDIT_MEMO:
        support_request.credit_memo = dispute_credit_memo(
            support_request=support_request, amount=amount, actor=actor, request=request
        )
    elif outcome == Outcome.CREDIT_AND_REISSUE:
        new = new_invoice or reissue_invoice_build(support_request=support_request, actor=actor)
        result = invoice_reissue_with_paid_amount(
            invoice=invoice, new_invoice=new, actor=actor, reason=reason, request=request
        )
        support_request.new_invoice, support_request.credit_payment = new, result.carried_payment
        support_request.credit_memo = result.credit_memo
        if result.credit_memo is not None:
            _memo_recorded(memo=result.credit_memo, actor=actor, request=request)
    elif outcome == Outcome.INVOICE_CANCELLED:
        invoice_cancel(invoice=invoice, actor=actor, reason=reason, request=request)
        support_request.credit_memo = invoice.credit_memos.order_by("-pk").first()
        support_request.refund = _credit_left_to_other_invoices(
            account=invoice.account, currency=invoice.currency, actor=actor, request=request
        )
        if support_request.credit_memo is not None:
            _memo_recorded(memo=support_request.credit_memo, actor=actor, request=request)


def _accept(*, support_request: SupportRequest, actor: User, request) -> None:
    """What accepting a request changes on the account (PO, tax number, legal name and address)."""
    account = CustomerAccount.objects.select_for_update().get(pk=support_request.account_id)
    kind = support_request.kind
    if kind == RequestKind.PO_NUMBER:
        account.default_po_number = support_request.po_number
        account.default_po_valid_until = support_request.po_valid_until
        account.save(update_fields=["default_po_number", "default_po_valid_until"])
        action, params = "support.default_po_set", {"po": support_request.po_number}
    elif kind == RequestKind.TAX_NUMBER:
        if not support_request.attachments.exists():
            raise SupportError(
                _("A new tax number needs its certificate attached: refuse the request or ask for it.")
            )
        account.tax_number = support_request.tax_number
        account.save(update_fields=["tax_number"])
        action, params = "support.tax_number_changed", {"tax_number": support_request.tax_number}
    elif kind == RequestKind.BILLING_DETAILS:
        changed = []
        if support_request.new_legal_name:
            account.legal_name = support_request.new_legal_name
            changed.append("legal_name")
        for field in ("address_line1", "address_line2", "postal_code", "city", "region"):
            if field in support_request.new_address:
                setattr(account, field, str(support_request.new_address[field])[:200])
                changed.append(field)
        account.save(update_fields=changed)
        action, params = "support.billing_details_changed", {}
    else:
        return
    activity_record(
        account=account,
        actor=actor,
        action=action,
        params=params,
        target=support_request.reference,
        request=request,
    )


def _outcomes_for(kind: str) -> tuple[str, ...]:
    if kind == RequestKind.DISPUTE:
        return tuple(DISPUTE_OUTCOMES)
    return (Outcome.ACCEPTED, Outcome.REFUSED)


@transaction.atomic
def request_close(
    *,
    support_request: SupportRequest,
    outcome: str,
    message: str,
    actor: User,
    amount: Decimal | None = None,
    new_invoice: Invoice | None = None,
    request=None,
) -> SupportRequest:
    """Resolve or refuse a request with its outcome and staff's message to the customer (emailed)."""
    locked = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("account", "invoice")
        .get(pk=support_request.pk)
    )
    if outcome not in _outcomes_for(locked.kind):
        raise SupportError(_("This outcome does not apply to this kind of request."))
    to_status = RequestStatus.REFUSED if outcome in REFUSING_OUTCOMES else RequestStatus.RESOLVED
    if to_status not in REQUEST_TRANSITIONS[locked.status]:
        raise SupportError(_("This request is already closed."))
    if not message.strip():
        raise SupportError(_("Write the answer the customer will read."))
    try:
        if locked.kind == RequestKind.DISPUTE:
            _dispute_resolve(
                support_request=locked,
                outcome=outcome,
                amount=amount,
                new_invoice=new_invoice,
                actor=actor,
                request=request,
            )
        elif outcome == Outcome.ACCEPTED:
            _accept(support_request=locked, actor=actor, request=request)
    except (InvoiceError, LedgerError, PaymentError) as error:
        raise SupportError(str(error)) from error
    RequestEvent.objects.create(
        request=locked, from_status=locked.status, to_status=to_status, actor=actor, note=outcome
    )
    locked.status, locked.outcome, locked.outcome_message = to_status, outcome, message.strip()
    locked.resolved_by, locked.resolved_at, locked.waiting_since = actor, timezone.now(), None
    locked.save()
    activity_record(
        account=locked.account,
        actor=actor,
        action="support.request_closed",
        params={"variant": to_status, "request": locked.reference},
        target=locked.reference,
        details={"outcome": outcome},
        request=request,
    )
    request_emails_on_close(support_request=locked)
    support_request.refresh_from_db()
    return support_request


def request_age(
    *, support_request: SupportRequest, now: datetime.datetime | None = None
) -> datetime.timedelta:
    """How long the customer has been waiting for billing support (zero when it is their turn or closed)."""
    if support_request.waiting_since is None or not support_request.is_open:
        return datetime.timedelta(0)
    return (now or timezone.now()) - support_request.waiting_since
