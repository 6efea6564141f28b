"""Invoice row locks: every writer that moves money locks the invoices first, in id order.

The balance moves themselves (and the one LedgerError) live in the payments ledger, payments/ledger.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from invoices.models import Invoice


def invoices_lock(*, invoice_ids: Iterable[int]) -> list[Invoice]:
    """Lock the invoices FOR UPDATE in id order, so that concurrent payers never deadlock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoices_lock() must run inside transaction.atomic().")
    return list(Invoice.objects.select_for_update().filter(pk__in=set(invoice_ids)).order_by("pk"))
