"""The billing-support request forms the assistant opens pre-filled (built by the support app's request
views): one place that knows their URL, so the intents only name a kind and the initial values."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

# (URL name, whether the kind is a path argument), tried in order.
FORM_URLS = (("support:new", False),)
DETAIL_URLS = ("support:detail",)


def request_form_url(kind: str, **initial: str) -> str:
    """The form for a request of `kind`, its fields filled from `initial` ("" when the forms are absent)."""
    for name, kind_in_path in FORM_URLS:
        try:
            url = reverse(name, kwargs={"kind": kind}) if kind_in_path else reverse(name)
        except NoReverseMatch:
            continue
        query = {key: value for key, value in initial.items() if value}
        if not kind_in_path:
            query = {"kind": kind, **query}
        return f"{url}?{urlencode(query)}" if query else url
    return ""


def request_detail_url(request_id: int) -> str:
    for name in DETAIL_URLS:
        try:
            return reverse(name, args=[request_id])
        except NoReverseMatch:
            continue
    return ""
