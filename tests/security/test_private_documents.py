"""Issue 10 item 4: no document under a public URL, in any mode; cached PDFs live in private storage and
are served only by views that check who asks."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.urls import clear_url_caches

import portal.urls
from invoices.pdf import invoice_pdf_bytes, pdf_cache_name
from tests.invoices.factories import InvoiceFactory, RemittanceInstructionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(account):
    RemittanceInstructionFactory(currency="USD")
    return InvoiceFactory(
        account=account, number="INV-PRIV-1", subtotal=Decimal("100.00"), tax=Decimal("0.00")
    )


@pytest.fixture(params=[True, False], ids=["development", "production"])
def urls_in_mode(request, settings):
    """portal.urls as `make run` (DJANGO_DEBUG unset, so DEBUG on) or production builds it at import."""
    settings.DEBUG = request.param
    importlib.reload(portal.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


def test_a_cached_invoice_pdf_is_never_served_to_a_signed_out_visitor(urls_in_mode, client, invoice):
    invoice_pdf_bytes(invoice=invoice)  # rendered once, cached
    name = pdf_cache_name(invoice=invoice)

    for url in (f"/media/{name}", f"/{name}", f"/private/{name}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not response.get("Content-Type", "").startswith("application/pdf")
    assert storages["private"].exists(name)


def test_cached_pdfs_are_stored_outside_every_public_directory(invoice):
    invoice_pdf_bytes(invoice=invoice)
    private = storages["private"]
    path = private.path(pdf_cache_name(invoice=invoice))
    public_roots = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    assert not any(str(path).startswith(str(root)) for root in public_roots)
    with pytest.raises(NotImplementedError):
        private.url(pdf_cache_name(invoice=invoice))  # a private file has no URL to leak


def test_the_pdf_view_checks_access_before_reading_the_private_file(
    client_of, client, payer, outsider, invoice
):
    assert client.get(f"/invoices/{invoice.number}/pdf/").status_code == 302  # to the sign-in page
    client_of(outsider)
    assert client.get(f"/invoices/{invoice.number}/pdf/").status_code == 404
    client_of(payer)
    response = client.get(f"/invoices/{invoice.number}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
