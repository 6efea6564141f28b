"""Rewards react to the ledger (payments.signals): connected in RewardsConfig.ready()."""

from __future__ import annotations

from typing import Any

from payments.models import Allocation, Payment, PaymentMethod
from rewards.services.redemption import rewards_reapply, rewards_return


def return_reversed_rewards_to_their_lots(
    *, allocation: Allocation, payment: Payment, actor: Any, reason: str, **_kwargs: Any
) -> None:
    """Rewards are never cash: a reversed rewards allocation goes back to the lots it was taken from."""
    if payment.method == PaymentMethod.REWARDS:
        rewards_return(allocation=allocation, actor=actor, reason=reason)


def reapply_rewards_to_the_reissue(
    *, invoice: Any, amount: Any, actor: Any, request: Any = None, **_kwargs: Any
) -> Payment | None:
    return rewards_reapply(invoice=invoice, amount=amount, actor=actor, request=request)
