import pytest
from django.core.paginator import Paginator

from core.pagination import NearerEndPaginator


class Rows:
    """A list read by slices that can be read backwards, as an ordered QuerySet; it records what it read."""

    def __init__(self, items, reads):
        self.items, self.reads = items, reads

    def count(self):
        return len(self.items)

    def reverse(self):
        return Rows(self.items[::-1], self.reads)

    def __getitem__(self, index):
        self.reads.append((self.items[:1], index.start, index.stop))
        return self.items[index]


@pytest.mark.parametrize(
    ("count", "per_page", "orphans"), [(0, 5, 0), (1, 5, 0), (23, 5, 0), (23, 5, 3), (40, 10, 0)]
)
def test_every_page_is_the_one_paginator_gives(count, per_page, orphans):
    items = list(range(count))
    expected = Paginator(items, per_page, orphans=orphans)
    paginator = NearerEndPaginator(Rows(items, []), per_page, orphans=orphans)
    assert paginator.num_pages == expected.num_pages
    for number in expected.page_range:
        assert list(paginator.page(number)) == list(expected.page(number)), number


def test_a_page_past_the_middle_is_read_from_the_end():
    reads = []
    paginator = NearerEndPaginator(Rows(list(range(100)), reads), 10)
    assert list(paginator.page(10)) == list(range(90, 100))
    assert list(paginator.page(2)) == list(range(10, 20))
    assert reads == [([99], 0, 10), ([0], 10, 20)]  # the last page: the first 10 rows of the reversed list
