"""Who may file and answer billing-support requests: the billing contact and payers (not viewers, who
may read the account's requests and their files)."""

from __future__ import annotations

import rules

from accounts.permissions import is_member, is_payer

rules.add_perm("support.view_requests", is_member)
rules.add_perm("support.file_request", is_payer)
