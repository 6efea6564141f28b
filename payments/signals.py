"""What the ledger tells the apps above it (they connect in their AppConfig.ready(); payments imports none of
them). Receivers run inside the ledger's transaction: an exception rolls the whole move back."""

from django.dispatch import Signal

# A positive allocation was undone by its negative row (debit returned, invoice cancelled or reissued).
# kwargs: allocation (the original row), payment, actor, reason.
allocation_reversed = Signal()

# Rewards that paid an invoice now reissued may pay its replacement. kwargs: invoice (the new, locked one),
# amount, actor, request. A receiver answers the rewards Payment it made, or None.
reissue_rewards_carried = Signal()
