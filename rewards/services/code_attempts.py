"""Wrong Support Rewards codes are throttled, so a code cannot be guessed.

A code pays invoices: whoever types someone's code spends their rewards. The code is 16 characters of
a 32-letter alphabet, and the lookup answers the same for an unknown code and another account's, but
nothing would stop a script from trying. Wrong codes are counted in the cache (Redis) per user and per
account, over a fixed window; past either limit every attempt is refused (the right code too) until the
window ends. Counting per account as well stops an attacker who spreads guesses over several sign-ins of
one customer; the account's limit is higher, so one member's typos don't block the rest of the team.
"""

from __future__ import annotations

from django.core.cache import cache

from accounts.models import CustomerAccount, User
from rewards.exceptions import RewardsCodeThrottled

REWARDS_CODE_WINDOW_SECONDS = 15 * 60
REWARDS_CODE_FAILURES_PER_USER = 5
REWARDS_CODE_FAILURES_PER_ACCOUNT = 10


def _keys(*, user: User, account: CustomerAccount) -> list[tuple[str, int]]:
    return [
        (f"rewards-code-failures:user:{user.pk}", REWARDS_CODE_FAILURES_PER_USER),
        (f"rewards-code-failures:account:{account.pk}", REWARDS_CODE_FAILURES_PER_ACCOUNT),
    ]


def rewards_code_attempt_check(*, user: User, account: CustomerAccount) -> None:
    """Raise RewardsCodeThrottled if this user or this account typed too many wrong codes lately."""
    keys = _keys(user=user, account=account)
    counts = cache.get_many([key for key, _limit in keys])
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        raise RewardsCodeThrottled()


def rewards_code_failure_record(*, user: User, account: CustomerAccount) -> None:
    """Count one wrong code for the user and for the account (the window starts at the first one)."""
    for key, _limit in _keys(user=user, account=account):
        cache.add(key, 0, timeout=REWARDS_CODE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: start a new window
            cache.set(key, 1, timeout=REWARDS_CODE_WINDOW_SECONDS)
