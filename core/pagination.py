"""A page of a long list read from whichever end of the list is nearer."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator


class NearerEndPaginator(Paginator):
    """Paginator whose pages past the middle are read from the end of the list: the last page of 400 is the
    first rows of the list in reverse order, flipped, not 9 975 rows skipped (OFFSET reads every row it
    skips). The object list is sliced like a QuerySet and has `reverse()`: the same rows in the opposite
    order (an ordered QuerySet has both).
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows_of: Any = self.object_list
        if bottom > self.count - top:
            rows = list(rows_of.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            rows = list(rows_of[bottom:top])
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own hook
