import pytest
from django.core.paginator import Paginator

from core.pagination import CountedPaginator, NearerEndPaginator


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


def test_a_length_already_known_is_not_counted_again():
    class Uncountable(Rows):
        def count(self):
            raise AssertionError("counted")

    paginator = NearerEndPaginator(Uncountable(list(range(30)), []), 10, count=30)
    assert (paginator.num_pages, list(paginator.get_page(3))) == (3, list(range(20, 30)))


def test_a_page_past_the_middle_is_read_from_the_end():
    reads = []
    paginator = NearerEndPaginator(Rows(list(range(100)), reads), 10)
    assert list(paginator.page(10)) == list(range(90, 100))
    assert list(paginator.page(2)) == list(range(10, 20))
    assert reads == [([99], 0, 10), ([0], 10, 20)]  # the last page: the first 10 rows of the reversed list


class Counted:
    """A list that tells its length with each page it reads, as rewards.payable.PayableInvoices; it records
    its reads."""

    def __init__(self, items):
        self.items, self.reads = items, []

    def page_and_count(self, *, offset, limit):
        self.reads.append((offset, limit))
        rows = self.items[offset : offset + limit]
        return rows, len(self.items) if rows or offset == 0 else None

    def count(self):
        return self.page_and_count(offset=0, limit=1)[1]


@pytest.mark.parametrize(("count", "per_page"), [(0, 5), (1, 5), (23, 5), (40, 10)])
def test_a_counted_page_is_the_one_paginator_gives_in_one_read(count, per_page):
    items = list(range(count))
    expected = Paginator(items, per_page)
    for number in expected.page_range:
        counted = Counted(items)
        paginator = CountedPaginator(counted, per_page)
        assert list(paginator.get_page(number)) == list(expected.page(number)), number
        assert paginator.count == count
        assert counted.reads == [((number - 1) * per_page, per_page)]


def test_a_counted_page_past_the_end_or_not_a_number_is_the_last_or_the_first():
    counted = Counted(list(range(23)))
    page = CountedPaginator(counted, 10).get_page(7)
    assert (page.number, list(page)) == (3, [20, 21, 22])
    assert counted.reads == [(60, 10), (0, 1), (20, 10)]  # the page asked for, the count, the last page
    assert list(CountedPaginator(Counted(list(range(23))), 10).get_page("x")) == list(range(10))
    with pytest.raises(ValueError, match="orphans"):
        CountedPaginator(counted, 10, orphans=2)
