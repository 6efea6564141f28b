"""Electronic invoices (issue 16): Factur-X EN 16931 for French customers, UBL 2.1 on request.

data.py turns our rows into EN 16931 terms, xml.py makes the CII / UBL XML (factur-x), pdf.py the
Factur-X PDF/A-3b. This module decides who gets what: `account_einvoice_format` and the email attachments.
"""

from __future__ import annotations

import logging

from django.conf import settings

from accounts.models import CustomerAccount, EInvoiceFormat
from invoices.einvoicing.pdf import facturx_file_name, invoice_facturx_bytes
from invoices.einvoicing.xml import invoice_ubl_xml
from invoices.models import Invoice
from invoices.pdf import invoice_fresh, invoice_pdf_bytes, pdf_file_name

logger = logging.getLogger(__name__)
Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def einvoicing_enabled() -> bool:
    return bool(settings.EINVOICE_ENABLED)


def account_einvoice_format(*, account: CustomerAccount) -> str:
    """PDF, Factur-X or UBL: the account's setting (French accounts: Factur-X by default), PDF when off."""
    if not einvoicing_enabled():
        return EInvoiceFormat.PDF
    return account.effective_einvoice_format


def ubl_file_name(*, number: str) -> str:
    return facturx_file_name(number=number).removesuffix("-facturx.pdf") + "-ubl.xml"


def invoice_email_attachments(*, invoice: Invoice) -> list[Attachment]:
    """What the invoice email carries: the Factur-X PDF instead of the plain PDF, or the PDF and the UBL."""
    einvoice_format = account_einvoice_format(account=invoice.account)
    if einvoice_format == EInvoiceFormat.FACTURX:
        return [
            (
                facturx_file_name(number=invoice.number),
                invoice_facturx_bytes(invoice=invoice),
                "application/pdf",
            )
        ]
    attachments = [(pdf_file_name(invoice=invoice), invoice_pdf_bytes(invoice=invoice), "application/pdf")]
    if einvoice_format == EInvoiceFormat.UBL:
        xml = invoice_ubl_xml(invoice=invoice_fresh(invoice))
        attachments.append((ubl_file_name(number=invoice.number), xml, "application/xml"))
    return attachments
