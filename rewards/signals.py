"""What rewards tells the apps above it (they connect in their AppConfig.ready(); rewards imports none of them).
Receivers run inside the writer's transaction: an exception rolls the change back."""

from django.dispatch import Signal

# A month's accrual deposited lots; the rows were written in SQL, so no model signal announced them.
# kwargs: deposits, a list of (account_id, accrual_id, month) for the accounts that got at least one lot.
rewards_deposited = Signal()
