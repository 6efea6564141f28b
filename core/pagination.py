"""Pages of long lists that cost the same whatever their number: read from the nearer end of the list, or
read with the list's length in one query."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class NearerEndPaginator(Paginator):
    """Paginator whose pages past the middle are read from the end of the list: the last page of 400 is the
    first rows of the list in reverse order, flipped, not 9 975 rows skipped (OFFSET reads every row it
    skips). The object list is sliced like a QuerySet and has `reverse()`: the same rows in the opposite
    order (an ordered QuerySet has both). `count`: the list's length, when the caller read it already.
    """

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count: a cached_property

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


class CountedPaginator(Paginator):
    """Paginator over a list that tells its length with each page it reads: `page_and_count(offset=,
    limit=)` returns the page's rows and the list's length (None for a page past the end), so a page costs
    one query, not a count and then the page. A page past the end costs the count and the last page.
    Orphans are not supported: the length is only known once the page is read.
    """

    def __init__(self, object_list, per_page, **kwargs) -> None:
        if kwargs.get("orphans"):
            raise ValueError("CountedPaginator does not support orphans")
        super().__init__(object_list, per_page, **kwargs)

    def get_page(self, number) -> Page:
        """As Paginator.get_page, without counting first: the first page if `number` is not a number, the
        last if it is past the end."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        rows = None
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 0
        counted: Any = self.object_list
        if wanted >= 1 and "count" not in self.__dict__:  # Paginator.count: a cached_property
            rows, count = counted.page_and_count(offset=(wanted - 1) * self.per_page, limit=self.per_page)
            if count is not None:
                self.__dict__["count"] = count
        number = self.validate_number(number)  # past the end: EmptyPage
        if rows is None or number != wanted:
            rows, _count = counted.page_and_count(offset=(number - 1) * self.per_page, limit=self.per_page)
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own hook
