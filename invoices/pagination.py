"""Pages of the invoices list that cost the same on page 400 as on page 1.

- "Next" and "Previous" links carry a keyset cursor (the sort value and id of the page's last or first row):
  the next page is the 25 rows after it in the sort order (`WHERE (sort, id) > cursor LIMIT 25`), read from
  the (account, -issue_date, -id) index for the default sort, whatever the page number.
- A page number without a cursor (a bookmark, the last page) is read from the nearer end of the list: page
  400 of 400 is the first 25 rows in reverse order, not 9 975 rows skipped.
- Only the page's ids are found that way; then only those 25 rows are read, by id, with their status and
  applied sums (one query), plus the count: three queries whatever the page number or the account's size.

The page keeps its number ("Page 12 of 400"): the cursor only says where to start reading.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from invoices.models import Invoice
from invoices.page_rows import invoice_rows_by_id
from invoices.selectors import DEFAULT_SORT, SORTS

# How a cursor's sort value is read back, by sort column.
_PARSE: dict[str, Callable[[str], Any]] = {
    "number": str,
    "issue_date": datetime.date.fromisoformat,
    "due_date": datetime.date.fromisoformat,
    "status_rank": int,
    "total": Decimal,
    "amount_due": Decimal,
}


def _encode(value, pk: int) -> str:
    text = json.dumps([str(value), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, column: str):
    """(sort value, id) of a cursor, or None when it is not one of ours (then the page number is used)."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return _PARSE[column](value), int(pk)
    except (ValueError, TypeError, InvalidOperation, binascii.Error, UnicodeDecodeError):
        return None


class InvoicePaginator(Paginator):
    """`InvoicePaginator(invoices, 25, sort=filters.sort, after=..., before=...)`: `invoices` is
    `invoice_list_for_user(...)`, ordered by `sort` then id."""

    def __init__(self, object_list, per_page, *, sort: str = DEFAULT_SORT, after: str = "", before: str = ""):
        super().__init__(object_list, per_page)
        self.invoices: QuerySet[Invoice] = object_list
        field = sort.lstrip("-")
        self.column = SORTS.get(field, SORTS["issue_date"])[0]
        self.descending = sort.startswith("-") if field in SORTS else True
        self.after = _decode(after, self.column) if after else None
        self.before = _decode(before, self.column) if before else None

    def _beyond(self, cursor, *, forward: bool) -> Q:
        """Rows after `cursor` in the list's order (forward) or before it (backward)."""
        value, pk = cursor
        later = "lt" if self.descending == forward else "gt"
        near = "lte" if later == "lt" else "gte"
        # The first condition repeats the second's bound on the sort column alone: an index range.
        return Q(**{f"{self.column}__{near}": value}) & (
            Q(**{f"{self.column}__{later}": value}) | Q(**{self.column: value, f"pk__{later}": pk})
        )

    def _page_ids(self, number: int) -> list[int]:
        """The page's ids in the list's order."""
        ids = self.invoices.values_list("pk", flat=True)
        if self.after is not None:
            return list(ids.filter(self._beyond(self.after, forward=True))[: self.per_page])
        if self.before is not None:
            return list(ids.filter(self._beyond(self.before, forward=False)).reverse()[: self.per_page])[::-1]
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom > self.count - top:  # nearer the end: read from there
            return list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        return list(ids[bottom:top])

    def page(self, number) -> Page:
        number = self.validate_number(number)
        ids = self._page_ids(number)
        # The ids come from the user's list, so the rows are read by id alone: re-applying the list's
        # filters, joins and search to 25 ids cost more to build than to run.
        rows = invoice_rows_by_id(ids=ids, with_status_rank=self.column == "status_rank")
        page = self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own hook
        page.next_cursor = _encode(getattr(rows[-1], self.column), rows[-1].pk) if rows else ""
        page.previous_cursor = _encode(getattr(rows[0], self.column), rows[0].pk) if rows else ""
        return page
