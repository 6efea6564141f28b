"""Redeeming one rewards code over several locked invoices at once: what the checkout does first.

The caller (checkout) holds the invoice locks and has already read, once for the whole selection,
what rewards may pay on each invoice and what payments in flight leave payable there; it passes each
invoice with the most rewards may take on it. Lots are locked here, after the invoices (the lock order
of every redemption), and spent earliest expiry first across the invoices, oldest due first.
Nothing here commits: a refusal later in the caller's transaction undoes every redemption.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from core.money import ZERO
from invoices.models import Invoice
from payments.models import Payment, PaymentProvider
from rewards.exceptions import RewardsCodeUnknown, RewardsNotEligible, RewardsPermissionDenied
from rewards.selectors import usable_lots
from rewards.services.emails import RewardsEmailKind, email_enqueue
from rewards.services.redemption import _no_balance_error, _pay_from_lots, _plan, rewards_account_by_code


def rewards_redeem_selection(
    *,
    user: User,
    account: CustomerAccount,
    code: str,
    invoice_limits: Sequence[tuple[Invoice, Decimal]],
    key_prefix: str,
    request: HttpRequest | None = None,
) -> list[Payment]:
    """Pay up to each limit with the code's rewards, one rewards payment per invoice; raises RewardsError.

    `invoice_limits`: locked invoices of `account`, oldest due first, each with the most rewards may
    pay on it now (eligible support not yet paid by rewards, capped by what is payable). A replay of
    the same `key_prefix` (the pay form's token) returns the payments of the first submit.
    """
    if not user.has_perm("accounts.redeem_rewards", account):
        raise RewardsPermissionDenied()
    rewards_account = rewards_account_by_code(user=user, account=account, code=code)
    replayed = rewards_replayed(account=account, key_prefix=key_prefix)
    if replayed:
        return replayed
    wanted = [(invoice, limit) for invoice, limit in invoice_limits if limit > 0]
    if not wanted:
        raise RewardsNotEligible(_("Support Rewards cannot pay these invoices."))
    for invoice, _limit in wanted:
        if invoice.account_id != account.pk:
            raise RewardsCodeUnknown()
        if invoice.currency != rewards_account.currency:
            raise RewardsNotEligible(
                _("Your rewards are in %(rewards)s and this invoice is in %(invoice)s.")
                % {"rewards": rewards_account.currency, "invoice": invoice.currency}
            )
    today = timezone.localdate()
    lots = list(usable_lots(rewards_account=rewards_account, today=today).select_for_update())
    balance = sum((lot.remaining for lot in lots), ZERO)
    if balance <= 0:
        raise _no_balance_error(rewards_account=rewards_account, today=today)
    payments = []
    for invoice, limit in wanted:
        use = min(limit, balance)
        if use <= 0:
            break
        plan = _plan([lot for lot in lots if lot.remaining > 0], use)
        payment = _pay_from_lots(
            account=account,
            invoice=invoice,
            plan=plan,
            user=user,
            key=f"{key_prefix}-{invoice.pk}"[:100],
            request=request,
        )
        email_enqueue(kind=RewardsEmailKind.REDEMPTION, object_id=payment.pk)
        balance -= use
        payments.append(payment)
    return payments


def rewards_replayed(*, account: CustomerAccount, key_prefix: str) -> list[Payment]:
    """The rewards payments an earlier submit with the same key prefix wrote (a double click)."""
    return list(
        Payment.objects.filter(
            account=account, provider=PaymentProvider.REWARDS, idempotency_key__startswith=f"{key_prefix}-"
        ).order_by("pk")
    )
