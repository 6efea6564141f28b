"""Factur-X PDF: the invoice document customers already get, as PDF/A-3b with the CII XML embedded.

WeasyPrint writes everything in one pass (PDF/A-3b, the attachment with relationship Data, the Factur-X
XMP): post-processing with another PDF library would leave the Info and XMP producers disagreeing, which
PDF/A forbids. Known WeasyPrint 70.0 issue (upstream #2917): the attachment is listed twice in the
catalog's /AF; `dedupe_af` removes the repeat (drop it once a release includes the fix). The same finisher
labels the XML as text/xml, the type the Factur-X specification names.
"""

from __future__ import annotations

import io
import re
from typing import Any

from invoices.credit_memo_document import credit_memo_html
from invoices.einvoicing.xml import FACTURX_FILENAME, LEVEL, credit_memo_cii_xml, invoice_cii_xml
from invoices.models import CreditMemo, Invoice
from invoices.pdf import (
    PDF_LAYOUT_REVISION,
    html_to_pdf,
    invoice_fresh,
    invoice_pdf_html,
    private_cache_get_or_render,
)

PDF_VARIANT = "pdf/a-3b"
FACTURX_URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FACTURX_XMP_LEVEL = {"en16931": "EN 16931"}
# Bump when the Factur-X XML or PDF changes, so every cached Factur-X PDF is made again.
FACTURX_REVISION = 1

_XMP_TEMPLATE = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{urn}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="{urn}">
<fx:DocumentType>INVOICE</fx:DocumentType>
<fx:DocumentFileName>{filename}</fx:DocumentFileName>
<fx:Version>1.0</fx:Version>
<fx:ConformanceLevel>{level}</fx:ConformanceLevel>
</rdf:Description>
</rdf:RDF>"""
_XMP_PROPERTY = (
    '<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
    "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
    "<pdfaProperty:category>external</pdfaProperty:category>"
    "<pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
)
_XMP_PROPERTIES = {
    "DocumentFileName": "The name of the embedded XML document",
    "DocumentType": "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
    "Version": "The actual version of the standard applying to the embedded XML document",
    "ConformanceLevel": "The conformance level of the embedded XML document",
}


def facturx_xmp() -> bytes:
    """The Factur-X extension schema and properties, added to the XMP packet WeasyPrint writes."""
    properties = "".join(
        _XMP_PROPERTY.format(name=name, description=text) for name, text in _XMP_PROPERTIES.items()
    )
    return _XMP_TEMPLATE.format(
        urn=FACTURX_URN, properties=properties, filename=FACTURX_FILENAME, level=FACTURX_XMP_LEVEL[LEVEL]
    ).encode()


def dedupe_af(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: each attachment once in the catalog's /AF; the Factur-X XML typed text/xml."""
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"].clear()
        pdf.catalog["AF"].extend(unique)
    for pdf_object in pdf.objects:
        if not isinstance(pdf_object, dict) or pdf_object.get("Type") != "/Filespec":
            continue
        if getattr(pdf_object.get("UF"), "string", None) == FACTURX_FILENAME:
            stream = pdf.objects[int(pdf_object["EF"]["F"].split()[0])]
            stream.extra["Subtype"] = "/text#2Fxml"


def facturx_pdf_from_html(*, html: str, xml: bytes) -> bytes:
    """A PDF/A-3b of `html` with `xml` embedded as factur-x.xml (relationship Data) and the Factur-X XMP."""
    from weasyprint import Attachment  # importing WeasyPrint costs ~0.6 s: only when rendering

    attachment = Attachment(
        string=xml.decode(),
        name=FACTURX_FILENAME,
        description="Factur-X invoice",
        relationship="Data",
    )
    return html_to_pdf(
        html,
        pdf_variant=PDF_VARIANT,
        attachments=[attachment],
        xmp_metadata=[io.BytesIO(facturx_xmp())],
        finisher=dedupe_af,
    )


def invoice_facturx_render(*, invoice: Invoice) -> tuple[bytes, bytes]:
    """(Factur-X PDF, its XML) of the invoice, rendered now (lines prefetched: see `invoice_fresh`)."""
    xml = invoice_cii_xml(invoice=invoice)
    return facturx_pdf_from_html(html=invoice_pdf_html(invoice=invoice), xml=xml), xml


def _safe(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", number)


def facturx_cache_name(*, invoice: Invoice) -> str:
    return (
        f"invoices/facturx/{invoice.account_id}/{_safe(invoice.number)}-v{invoice.version}"
        f"-{invoice.language}-r{PDF_LAYOUT_REVISION}.{FACTURX_REVISION}.pdf"
    )


def facturx_file_name(*, number: str) -> str:
    return f"{_safe(number)}-facturx.pdf"


def invoice_facturx_bytes(*, invoice: Invoice) -> bytes:
    """The Factur-X PDF of the invoice's current version: from the private cache, or rendered and cached."""
    invoice = invoice_fresh(invoice)
    return private_cache_get_or_render(
        invoice=invoice,
        name=facturx_cache_name(invoice=invoice),
        render=lambda: invoice_facturx_render(invoice=invoice)[0],
    )


def credit_memo_facturx_render(*, memo: CreditMemo) -> tuple[bytes, bytes]:
    """(Factur-X PDF, its XML) of a credit memo: the memo's own document with its XML embedded."""
    xml = credit_memo_cii_xml(memo=memo)
    html = credit_memo_html(memo=memo)
    return facturx_pdf_from_html(html=html, xml=xml), xml
