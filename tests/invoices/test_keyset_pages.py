"""Issue 17: the invoices list reads deep pages by keyset ("Next" carries the last row's sort value and id)
or from the nearer end, never skipping thousands of rows; the pages are the same rows as before, in the
same order, with the same "Page N of M" and the same query count whatever the page number."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.invoices.factories import invoices_bulk_create

pytestmark = pytest.mark.django_db
INDEX = reverse("invoices:index")


def numbers(response) -> list[str]:
    return [invoice.number for invoice in response.context["invoices"]]


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("sort", ["-issue_date", "number", "-balance", "status", "total"])
def test_next_and_previous_links_walk_the_same_pages_as_page_numbers(client, billing_contact, account, sort):
    invoices_bulk_create(account=account, count=130)  # 6 pages; balances and statuses tie a lot
    client.force_login(billing_contact)
    by_number = [numbers(client.get(INDEX, {"sort": sort, "page": page})) for page in range(1, 7)]
    assert sorted(sum(by_number, [])) == sorted(set(sum(by_number, [])))  # every invoice once
    response = client.get(INDEX, {"sort": sort})
    walked = [numbers(response)]
    while (next_url := link(response, "next")) is not None:
        assert "after=" in next_url
        response = client.get(INDEX + next_url)
        walked.append(numbers(response))
        assert f"Page {len(walked)} of 6" in response.content.decode()
    assert walked == by_number
    back = [numbers(response)]
    while (previous_url := link(response, "prev")) is not None:
        assert "before=" in previous_url
        response = client.get(INDEX + previous_url)
        back.append(numbers(response))
    assert back[::-1] == by_number


def test_a_bad_cursor_falls_back_to_the_page_number(client, billing_contact, account):
    invoices_bulk_create(account=account, count=60)
    client.force_login(billing_contact)
    expected = numbers(client.get(INDEX, {"page": "2"}))
    assert numbers(client.get(INDEX, {"page": "2", "after": "not-a-cursor"})) == expected
    assert numbers(client.get(INDEX, {"page": "2", "before": "e30"})) == expected


def test_a_deep_page_by_cursor_costs_the_queries_of_page_one(
    client, billing_contact, account, django_assert_max_num_queries
):
    invoices_bulk_create(account=account, count=2_000)
    client.force_login(billing_contact)
    client.get(INDEX)  # per-process caches warm
    with django_assert_max_num_queries(8) as first:
        page_one = client.get(INDEX, {"sort": "-balance"})
    deep_url = link(client.get(INDEX, {"sort": "-balance", "page": "39"}), "next")
    with django_assert_max_num_queries(8) as deep:
        page_forty = client.get(INDEX + deep_url)
    assert len(first) == len(deep)
    assert "Page 40 of" in page_forty.content.decode() and len(numbers(page_one)) == 25
    # No OFFSET in the page query when a cursor says where to start.
    assert not any("OFFSET" in query["sql"] for query in deep.captured_queries)
