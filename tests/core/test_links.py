from django.test import override_settings
from django.urls import reverse, set_script_prefix

from core.links import url_maker, url_once


def test_url_once_is_reverse_under_the_current_script_prefix():
    assert url_once("invoices:index") == reverse("invoices:index")
    set_script_prefix("/portal/")
    try:
        assert url_once("invoices:index") == reverse("invoices:index") == "/portal/invoices/"
    finally:
        set_script_prefix("/")
    assert url_once("invoices:index") == "/invoices/"


@override_settings(ROOT_URLCONF="tests.core.urls_elsewhere")
def test_url_once_follows_the_urlconf_in_use():
    assert url_once("invoices:index") == "/elsewhere/invoices/"


def test_url_maker_quotes_each_value_as_reverse_does():
    detail = url_maker("invoices:detail")
    for number in ("INV-1", "INV 2 é", "A&B", "50%"):
        assert detail(number) == reverse("invoices:detail", args=[number])
