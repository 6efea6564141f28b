"""Factur-X (EN 16931) and UBL: XML valid against the XSD and the schematrons offline, PDFs read back."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from facturx import get_facturx_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from invoices.einvoicing.data import invoice_einvoice_data
from invoices.einvoicing.pdf import credit_memo_facturx_render, invoice_facturx_render
from invoices.einvoicing.xml import (
    cii_xml_from_data,
    credit_memo_cii_xml,
    credit_memo_ubl_xml,
    invoice_cii_xml,
    invoice_ubl_xml,
)
from invoices.pdf import invoice_fresh
from tests.factories import CustomerAccountFactory
from tests.invoices.einvoice_validation import cii_errors, ubl_errors
from tests.invoices.factories import (
    CreditMemoFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    RemittanceInstructionFactory,
)

pytestmark = pytest.mark.django_db
CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def french_account(**kwargs):
    defaults = {
        "country": "FR",
        "currency": "EUR",
        "language": "fr",
        "legal_name": "Client Industrie SAS",
        "tax_number": "FR44732829320",
        "registration_number": "732829320",
        "address_line1": "5 avenue de l'Opéra",
        "postal_code": "75001",
        "city": "Paris",
    }
    return CustomerAccountFactory(**{**defaults, **kwargs})


def invoice_with_lines(account, rates_and_amounts, **kwargs):
    """An invoice whose lines are (rate %, net amount) pairs, its totals the sums of the lines."""
    RemittanceInstructionFactory(
        currency=account.currency, account_number="FR7630006000011234567890189", swift_bic="AGRIFRPP"
    )
    taxes = [(amount * rate / 100).quantize(Decimal("0.01")) for rate, amount in rates_and_amounts]
    subtotal = sum((amount for _rate, amount in rates_and_amounts), Decimal(0))
    invoice = InvoiceFactory(account=account, subtotal=subtotal, tax=sum(taxes, Decimal(0)), **kwargs)
    for position, ((_rate, amount), tax) in enumerate(zip(rates_and_amounts, taxes, strict=True), start=1):
        InvoiceLineFactory(
            invoice=invoice,
            position=position,
            amount=amount,
            tax=tax,
            service_start=invoice.issue_date,
            service_end=invoice.issue_date + datetime.timedelta(days=29),
        )
    return invoice_fresh(invoice)


def xml_amount(xml: bytes, path: str) -> Decimal:
    root = etree.fromstring(xml)
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    return Decimal(root.xpath(settlement + path, namespaces=CII)[0].text)


def test_french_invoice_passes_the_xsd_en16931_and_french_ctc_schematrons():
    # Above the card-only threshold, so the payment means are the bank transfer with its IBAN.
    invoice = invoice_with_lines(french_account(), [(Decimal(20), Decimal("5000.00"))], po_number="PO-77")
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    root = etree.fromstring(xml)
    text = lambda path: root.xpath(path + "/text()", namespaces=CII)  # noqa: E731
    agreement = "//ram:ApplicableHeaderTradeAgreement"
    assert text("//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(f"{agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR11123456782"]
    assert text(f"{agreement}/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR44732829320"]
    assert text(f"{agreement}/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID") == ["732829320"]
    assert text(f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["PO-77"]
    assert text(f"{agreement}/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID")
    assert set(text("//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode")) >= {"PMT", "PMD", "AAB"}
    assert text("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == ["FR7630006000011234567890189"]
    assert text("//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == [
        invoice.due_date.strftime("%Y%m%d")
    ]


def test_a_card_only_invoice_states_card_payment_and_no_bank_account():
    invoice = invoice_with_lines(french_account(), [(Decimal(20), Decimal("100.00"))])
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    assert b"<ram:TypeCode>54</ram:TypeCode>" in xml
    assert b"IBANID" not in xml


def test_a_broken_total_is_caught_by_the_en16931_schematron():
    invoice = invoice_with_lines(french_account(), [(Decimal(20), Decimal("1000.00"))])
    data = invoice_einvoice_data(invoice=invoice)
    data["BT-112"] = "1300.00"  # grand total no longer net + VAT: the XSD accepts it, the rules must not
    data["BT-115"] = "1300.00"
    errors = cii_errors(cii_xml_from_data(data), french=False)
    assert any("BR-CO-15" in error for error in errors), errors


def assert_facturx_pdf(pdf: bytes, xml: bytes) -> PdfReader:
    """PDF/A-3B in the XMP, one /AF entry with relationship Data, the embedded XML byte-identical."""
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp, xmp[:600]
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    associated = reader.trailer["/Root"]["/AF"]
    assert len(associated) == 1
    filespec = associated[0].get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/UF"] == "factur-x.xml"
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    assert reader.attachments["factur-x.xml"] == [xml]
    filename, extracted = get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert (filename, extracted) == ("factur-x.xml", xml)
    return reader


def test_factur_x_pdf_reads_back_with_its_xml_and_the_invoice_totals():
    invoice = invoice_with_lines(french_account(), [(Decimal(20), Decimal("1000.00"))])
    pdf, xml = invoice_facturx_render(invoice=invoice)
    assert_facturx_pdf(pdf, xml)
    assert xml_amount(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount") == (
        invoice.subtotal
    )
    assert (
        xml_amount(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount")
        == invoice.tax
    )
    assert xml_amount(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount") == (
        invoice.total
    )
    assert xml_amount(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount") == (
        invoice.amount_due
    )


def test_multi_rate_vat_has_one_breakdown_per_rate():
    rates = [
        (Decimal(20), Decimal("1000.00")),
        (Decimal("5.5"), Decimal("333.33")),
        (Decimal(10), Decimal("99.99")),
    ]
    invoice = invoice_with_lines(french_account(), rates)
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    root = etree.fromstring(xml)
    breakdown = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=CII)
    assert sorted(
        Decimal(row.findtext("ram:RateApplicablePercent", namespaces=CII)) for row in breakdown
    ) == [
        Decimal("5.50"),
        Decimal("10.00"),
        Decimal("20.00"),
    ]
    assert sum(
        (Decimal(row.findtext("ram:CalculatedAmount", namespaces=CII)) for row in breakdown), Decimal(0)
    ) == (invoice.tax)


def test_zero_rated_export_outside_the_eu_is_category_g_with_its_exemption_code():
    account = CustomerAccountFactory(country="US", currency="USD", address_line1="1 Main St", city="Austin")
    invoice = invoice_with_lines(account, [(Decimal(0), Decimal("2500.00"))])
    assert invoice.tax == 0
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=False) == []
    root = etree.fromstring(xml)
    tax = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=CII)[0]
    assert tax.findtext("ram:CategoryCode", namespaces=CII) == "G"
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=CII) == "VATEX-EU-G"
    assert ubl_errors(invoice_ubl_xml(invoice=invoice)) == []


def test_intra_eu_reverse_charge_is_category_ae():
    account = CustomerAccountFactory(country="DE", currency="EUR", tax_number="DE123456789", city="Berlin")
    invoice = invoice_with_lines(account, [(Decimal(0), Decimal("800.00"))])
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=False) == []
    assert b"<ram:CategoryCode>AE</ram:CategoryCode>" in xml


def test_ubl_export_for_a_customer_outside_france_passes_the_en16931_schematron():
    account = CustomerAccountFactory(country="GB", currency="GBP", tax_number="GB123456789", city="London")
    invoice = invoice_with_lines(account, [(Decimal(20), Decimal("450.00")), (Decimal(0), Decimal("50.00"))])
    xml = invoice_ubl_xml(invoice=invoice)
    assert ubl_errors(xml) == []
    assert b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>" in xml


def test_credit_memo_is_a_381_referring_to_its_invoice_and_reads_back():
    invoice = invoice_with_lines(
        french_account(), [(Decimal(20), Decimal("1000.00")), (Decimal("5.5"), Decimal("200.00"))]
    )
    memo = CreditMemoFactory(invoice=invoice, amount=Decimal("333.33"), reason="Geste commercial")
    xml = credit_memo_cii_xml(memo=memo)
    assert cii_errors(xml, french=True) == []
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    root = etree.fromstring(xml)
    assert root.xpath("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=CII) == [
        invoice.number
    ]
    summation = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert xml_amount(xml, summation + "ram:GrandTotalAmount") == Decimal("333.33")
    assert xml_amount(xml, summation + "ram:TaxBasisTotalAmount") + xml_amount(
        xml, summation + "ram:TaxTotalAmount"
    ) == Decimal("333.33")
    assert ubl_errors(credit_memo_ubl_xml(memo=memo), french=True) == []
    pdf, pdf_xml = credit_memo_facturx_render(memo=memo)
    assert pdf_xml == xml
    assert_facturx_pdf(pdf, xml)


def test_ten_line_invoice_is_valid_and_reads_back():
    rates = [(Decimal(20) if n % 3 else Decimal(10), Decimal(f"{100 + n * 7}.{n:02d}")) for n in range(10)]
    invoice = invoice_with_lines(french_account(), rates)
    pdf, xml = invoice_facturx_render(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    assert len(etree.fromstring(xml).xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=CII)) == 10
    assert_facturx_pdf(pdf, xml)


@pytest.mark.slow
def test_three_hundred_line_invoice_is_valid_and_reads_back():
    rates = [
        (Decimal(20) if n % 4 else Decimal("5.5"), Decimal(f"{10 + n}.{n % 100:02d}")) for n in range(300)
    ]
    invoice = invoice_with_lines(french_account(), rates)
    pdf, xml = invoice_facturx_render(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    assert len(etree.fromstring(xml).xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=CII)) == 300
    reader = assert_facturx_pdf(pdf, xml)
    assert len(reader.pages) > 5
    assert xml_amount(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount") == (
        invoice.total
    )


def test_an_invoice_imported_without_lines_gets_one_summary_line():
    invoice = invoice_fresh(
        InvoiceFactory(account=french_account(), subtotal=Decimal("50.00"), tax=Decimal("10.00"))
    )
    xml = invoice_cii_xml(invoice=invoice)
    assert cii_errors(xml, french=True) == []
    assert len(etree.fromstring(xml).xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=CII)) == 1
