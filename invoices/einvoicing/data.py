"""The EN 16931 content of an invoice or a credit memo, as the data dict factur-x's generators take.

Keys are the EN 16931 business terms (BT-1 invoice number, BG-25 lines...). Amounts are strings with two
decimals, built from our own rows: the XML must state exactly what the invoice row says (subtotal, tax,
total, balance due), so the VAT breakdown adds the lines' own tax amounts per rate instead of recomputing
them (the EN 16931 rule BR-CO-17 allows one currency unit of rounding difference per rate).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from invoices.models import CreditMemo, Invoice, InvoiceLine
from invoices.payment_ways import invoice_payment_ways
from invoices.selectors import invoice_order_numbers, remittance_for_currency

TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
BUSINESS_PROCESS_SERVICES = "S1"  # French e-invoicing frame (BT-23): services only
UNIT_PIECE = "C62"  # UN/ECE rec. 20 "one"
CENT = Decimal("0.01")
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


@dataclass(frozen=True)
class VatCategory:
    code: str  # UNTDID 5305: S standard, AE reverse charge, G export outside the EU, E exempt
    rate: Decimal  # percent
    exemption_code: str = ""  # VATEX code, for AE / G / E
    exemption_reason: str = ""


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _rate(value: Decimal) -> str:
    return str(value.quantize(CENT))


def line_vat_rate(*, amount: Decimal, tax: Decimal, fallback: Decimal) -> Decimal:
    """The VAT rate a line was taxed at, from its amounts (rates have at most one decimal: 20, 5.5, 2.1)."""
    if amount == 0:
        return fallback
    return (tax / amount * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def vat_category(*, rate: Decimal, buyer_country: str) -> VatCategory:
    """S when VAT was charged; a zero rate is a reverse charge inside the EU, an export outside it."""
    if rate > 0:
        return VatCategory("S", rate)
    if buyer_country in EU_COUNTRIES and buyer_country != settings.EINVOICE_SELLER["COUNTRY"]:
        return VatCategory("AE", Decimal(0), "VATEX-EU-AE", _("Reverse charge"))
    if buyer_country not in EU_COUNTRIES:
        return VatCategory("G", Decimal(0), "VATEX-EU-G", _("Export outside the EU"))
    return VatCategory("E", Decimal(0), "VATEX-EU-O", _("Not subject to VAT"))


def _invoice_rate(invoice: Invoice) -> Decimal:
    return line_vat_rate(amount=invoice.subtotal, tax=invoice.tax, fallback=Decimal(0))


def _seller() -> dict[str, Any]:
    seller = settings.EINVOICE_SELLER
    return {
        "name": seller["NAME"],
        "identifiers": {"0009": seller["SIRET"]} if seller.get("SIRET") else {},
        "legal_identifier": seller["SIREN"],
        "legal_identifier_schemeid": "0002",  # SIRENE
        "vat_identifier": seller["VAT_ID"],
        "einvoicing_addr": seller["ELECTRONIC_ADDRESS"],
        "einvoicing_addr_schemeid": seller["ELECTRONIC_ADDRESS_SCHEME"],
        "addr_l1": seller["ADDRESS"],
        "postcode": seller["POSTAL_CODE"],
        "city": seller["CITY"],
        "country_code": seller["COUNTRY"],
        "contacts": [{"email": settings.BILLING_SUPPORT_EMAIL}],
    }


def _buyer(invoice: Invoice) -> dict[str, Any]:
    account = invoice.account
    buyer: dict[str, Any] = {
        "name": account.legal_name,
        "country_code": account.country,
        "addr_l1": account.address_line1,
        "addr_l2": account.address_line2,
        "postcode": account.postal_code,
        "city": account.city,
        "country_subdivision": account.region,
    }
    if account.tax_number:
        buyer["vat_identifier"] = account.tax_number
    if account.registration_number:
        buyer["legal_identifier"] = account.registration_number
        if account.country == "FR":
            buyer["legal_identifier_schemeid"] = "0002"
    # BT-49: the address the approved platform delivers to; a French company's SIREN by default, else email.
    if account.electronic_address:
        buyer["einvoicing_addr"] = account.electronic_address
        buyer["einvoicing_addr_schemeid"] = account.electronic_address_scheme or "0225"
    elif account.country == "FR" and account.registration_number:
        buyer["einvoicing_addr"], buyer["einvoicing_addr_schemeid"] = account.registration_number, "0225"
    else:
        buyer["einvoicing_addr"], buyer["einvoicing_addr_schemeid"] = account.contract_email, "EM"
    return {key: value for key, value in buyer.items() if value}


def _legal_notes() -> list[dict[str, str]]:
    """The French mandatory notes (Code de commerce L441-10): recovery fee, late penalties, no discount."""
    return [
        {
            "BT-21": "PMT",
            "BT-22": _("Fixed compensation for recovery costs in case of late payment: 40 EUR."),
        },
        {
            "BT-21": "PMD",
            "BT-22": _(
                "Late payment penalties: three times the French legal interest rate, due from the day "
                "after the due date."
            ),
        },
        {"BT-21": "AAB", "BT-22": _("No discount for early payment.")},
    ]


def _payment_means(invoice: Invoice) -> dict[str, Any]:
    """BG-16: a credit transfer to the remittance account when the policy offers it, else a card online."""
    remittance = remittance_for_currency(currency=invoice.currency)
    if invoice_payment_ways(invoice=invoice).remittance and remittance is not None:
        means: dict[str, Any] = {
            "BT-81": "30",
            "BT-82": _("Bank transfer"),
            "BT-84": remittance.account_number,
        }
        means["BT-85"] = remittance.beneficiary
        if remittance.swift_bic:
            means["BT-86"] = remittance.swift_bic
        return means
    return {"BT-81": "54", "BT-82": _("Credit card, online in the customer portal")}


def _header(*, number: str, type_code: str, issue_date: datetime.date, invoice: Invoice) -> dict[str, Any]:
    data: dict[str, Any] = {
        "BT-1": number,
        "BT-2": issue_date,
        "BT-3": type_code,
        "BT-5": invoice.currency,
        "BT-23": BUSINESS_PROCESS_SERVICES,
        "BT-72": issue_date,  # the XSD refuses an empty delivery block; services are delivered on the date
        "BT-83": invoice.number,  # remittance information: the reference to quote with the payment
        "BG-1": _legal_notes(),
        "BG-4": _seller(),
        "BG-7": _buyer(invoice),
    }
    account_reference = invoice.account.customer_number
    data["BT-10"] = account_reference  # buyer reference
    if invoice.po_number:
        data["BT-13"] = invoice.po_number
    orders = invoice_order_numbers(invoice=invoice)
    if orders:
        data["BT-14"] = ", ".join(orders)[:100]
    return data


def _breakdown(groups: dict[VatCategory, list[Decimal]]) -> list[dict[str, Any]]:
    rows = []
    for category, (basis, tax) in sorted(groups.items(), key=lambda item: (item[0].code, -item[0].rate)):
        row = {"BT-116": _money(basis), "BT-117": _money(tax), "BT-118": category.code}
        row["BT-119"] = _rate(category.rate)
        if category.exemption_code:
            row["BT-120"], row["BT-121"] = category.exemption_reason, category.exemption_code
        rows.append(row)
    return rows


def _totals(*, net: Decimal, tax: Decimal, total: Decimal, due: Decimal) -> dict[str, Any]:
    return {
        "BT-106": _money(net),
        "BT-109": _money(net),
        "BT-110": _money(tax),
        "BT-112": _money(total),
        "BT-113": _money(total - due),
        "BT-115": _money(due),
    }


def _line(line: InvoiceLine, index: int, category: VatCategory) -> dict[str, Any]:
    row: dict[str, Any] = {
        "BT-126": str(index),
        "BT-153": line.product or line.description,
        "BT-129": str(line.quantity),
        "BT-130": UNIT_PIECE,
        "BT-146": str(line.unit_price),
        "BT-131": _money(line.amount),
        "BT-151": category.code,
        "BT-152": _rate(category.rate),
    }
    if line.description and line.description != row["BT-153"]:
        row["BT-154"] = line.description
    if line.product_code:
        row["BT-155"] = line.product_code
    if line.service_start and line.service_end:
        row["BT-134"], row["BT-135"] = line.service_start, line.service_end
    return row


def _lines_or_summary(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines; for one imported without lines, a single line of its kind for its subtotal
    (EN 16931 requires at least one line)."""
    lines = list(invoice.lines.all())
    if lines:
        return lines
    summary = InvoiceLine(
        invoice=invoice,
        position=1,
        description=str(invoice.get_kind_display()),
        product=str(invoice.get_kind_display()),
        quantity=Decimal(1),
        unit_price=invoice.subtotal,
        amount=invoice.subtotal,
        tax=invoice.tax,
    )
    return [summary]


def invoice_einvoice_data(*, invoice: Invoice) -> dict[str, Any]:
    """The EN 16931 data of an invoice (type 380), lines prefetched in order, in the invoice's language."""
    with translation.override(invoice.language):
        data = _header(
            number=invoice.number, type_code=TYPE_INVOICE, issue_date=invoice.issue_date, invoice=invoice
        )
        fallback = _invoice_rate(invoice)
        groups: dict[VatCategory, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        lines = []
        for index, line in enumerate(_lines_or_summary(invoice), start=1):
            rate = line_vat_rate(amount=line.amount, tax=line.tax, fallback=fallback)
            category = vat_category(rate=rate, buyer_country=invoice.account.country)
            groups[category][0] += line.amount
            groups[category][1] += line.tax
            lines.append(_line(line, index, category))
        data["BG-25"] = lines
        data["BG-23"] = _breakdown(groups)
        data["BT-9"] = invoice.due_date
        data["BT-20"] = _("Net %(days)s days: due on %(date)s") % {
            "days": invoice.payment_terms_days,
            "date": invoice.due_date.isoformat(),
        }
        data.update(_payment_means(invoice))
        data.update(
            _totals(
                net=invoice.subtotal,
                tax=invoice.tax,
                total=invoice.total,
                due=invoice.amount_due,
            )
        )
    return data


def credit_memo_split(*, memo: CreditMemo) -> dict[VatCategory, list[Decimal]]:
    """The memo's amount (tax included) spread over the invoice's VAT rates in proportion to their totals.

    Each share is split into net and tax at its rate; the last rate takes the rounding remainder, so the
    shares add up to the memo's amount exactly."""
    invoice = memo.invoice
    fallback = _invoice_rate(invoice)
    gross: dict[VatCategory, Decimal] = defaultdict(Decimal)
    for line in _lines_or_summary(invoice):
        rate = line_vat_rate(amount=line.amount, tax=line.tax, fallback=fallback)
        gross[vat_category(rate=rate, buyer_country=invoice.account.country)] += line.amount + line.tax
    if not gross or invoice.total <= 0:
        gross = {vat_category(rate=fallback, buyer_country=invoice.account.country): Decimal(1)}
    whole = sum(gross.values(), Decimal(0))
    split: dict[VatCategory, list[Decimal]] = {}
    left = memo.amount
    for position, (category, part) in enumerate(gross.items(), start=1):
        share = left if position == len(gross) else (memo.amount * part / whole).quantize(CENT)
        left -= share
        net = (share * 100 / (100 + category.rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        split[category] = [net, share - net]
    return split


def credit_memo_einvoice_data(*, memo: CreditMemo) -> dict[str, Any]:
    """The EN 16931 data of a credit memo (type 381): one line per VAT rate, referring to its invoice."""
    invoice = memo.invoice
    with translation.override(invoice.language):
        issue_date = timezone.localdate(memo.issued_at)
        data = _header(number=memo.number, type_code=TYPE_CREDIT_NOTE, issue_date=issue_date, invoice=invoice)
        data["BG-3"] = [{"BT-25": invoice.number, "BT-26": invoice.issue_date}]
        split = credit_memo_split(memo=memo)
        data["BG-25"] = [
            {
                "BT-126": str(index),
                "BT-153": _("Credit on invoice %(number)s") % {"number": invoice.number},
                "BT-154": memo.reason,
                "BT-129": "1",
                "BT-130": UNIT_PIECE,
                "BT-146": _money(net),
                "BT-131": _money(net),
                "BT-151": category.code,
                "BT-152": _rate(category.rate),
            }
            for index, (category, (net, _tax)) in enumerate(split.items(), start=1)
        ]
        data["BG-23"] = _breakdown(split)
        data["BT-20"] = _("Credited against invoice %(number)s") % {"number": invoice.number}
        net = sum((net for net, _tax in split.values()), Decimal(0))
        data.update(_totals(net=net, tax=memo.amount - net, total=memo.amount, due=memo.amount))
    return data
