"""Payment permissions beyond accounts.permissions (autodiscovered by rules)."""

import rules

from accounts.permissions import is_billing_contact

# The billing contact saves a card or a debit mandate and switches automatic payment on or off.
rules.add_perm("payments.manage_autopay", is_billing_contact)
