"""What can go wrong when rewards are used: `str(error)` is always safe to show to the customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RewardsError(Exception):
    default_message = _("Support Rewards cannot be used here.")

    def __init__(self, message: StrOrPromise | None = None):
        super().__init__(str(message or self.default_message))


class RewardsCodeUnknown(RewardsError):
    # Also raised for another account's code: the same words, so a guess learns nothing.
    default_message = _(
        "This rewards code is not valid for this account. Check the code in your rewards email."
    )


class RewardsCodeThrottled(RewardsError):
    default_message = _(
        "Too many wrong rewards codes were entered. For your security, please try again in 15 minutes, "
        "or copy the code from your rewards email."
    )


class RewardsCodeExpired(RewardsError):
    default_message = _("The rewards of this code have expired. Expired rewards cannot be reactivated.")


class RewardsExhausted(RewardsError):
    default_message = _("This rewards code has no balance left.")


class RewardsNotEligible(RewardsError):
    default_message = _("Support Rewards cannot pay this invoice.")


class RewardsDebitProcessing(RewardsError):
    default_message = _(
        "A direct debit for this invoice is still being processed. "
        "Rewards can be applied once it has settled or failed."
    )


class RewardsPaymentInFlight(RewardsError):
    default_message = _(
        "A payment for this invoice is in progress (by card or PayPal). "
        "Rewards can be applied to what is left once it has completed or been cancelled."
    )


class RewardsAmountInvalid(RewardsError):
    default_message = _("Enter an amount greater than zero and no more than what rewards may pay.")


class RewardsPermissionDenied(RewardsError):
    default_message = _("Your role on this account does not allow redeeming rewards.")
