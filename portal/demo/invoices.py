"""Demo invoices: every status (open, overdue, closed, disputed, cancelled) for both demo accounts."""

from decimal import Decimal

from invoices.models import InvoiceKind, InvoiceState
from payments.services.cancellation import invoice_cancel
from portal.demo import demo_invoice

D = Decimal


def seed(context: dict) -> None:
    acme, lumiere = context["accounts"]["acme"], context["accounts"]["lumiere"]
    us_tax, fr_vat = D("0.0825"), D("0.20")
    demo_invoice(
        acme,
        "INV-US-1001",
        kind=InvoiceKind.SUPPORT_RENEWAL,
        days_ago=10,
        tax_rate=us_tax,
        po_number="PO-7781",
        lines=[
            (
                "ORD-55012",
                "Database Enterprise Edition — Software Update License & Support",
                D("18000.00"),
                True,
            ),
            ("ORD-55012", "WebLogic Server — Software Update License & Support", D("6400.00"), True),
        ],
    )
    demo_invoice(
        acme,
        "INV-US-1002",
        kind=InvoiceKind.CLOUD_SUBSCRIPTION,
        days_ago=45,
        tax_rate=us_tax,
        lines=[("ORD-56100", "OCI Universal Credits — annual commitment", D("40000.00"), False)],
    )
    demo_invoice(
        acme,
        "INV-US-1003",
        kind=InvoiceKind.USAGE_OVERAGE,
        days_ago=38,
        tax_rate=us_tax,
        lines=[("ORD-56100", "OCI Compute overage — usage in arrears", D("1250.40"), False)],
    )
    demo_invoice(
        acme,
        "INV-US-1004",
        kind=InvoiceKind.CONSULTING,
        days_ago=70,
        tax_rate=us_tax,
        po_number="PO-7702",
        lines=[("ORD-54001", "Consulting — database migration assessment", D("5000.00"), False)],
    )
    demo_invoice(
        acme,
        "INV-US-1005",
        kind=InvoiceKind.LICENSE,
        days_ago=20,
        tax_rate=us_tax,
        lines=[("ORD-55300", "Java SE Subscription", D("1800.00"), False)],
    )
    demo_invoice(
        acme,
        "INV-US-1006",
        kind=InvoiceKind.SUPPORT_RENEWAL,
        days_ago=25,
        tax_rate=us_tax,
        state=InvoiceState.DISPUTED,
        lines=[("ORD-55410", "MySQL Enterprise Edition Subscription", D("3200.00"), False)],
    )
    demo_invoice(
        lumiere,
        "INV-FR-2001",
        kind=InvoiceKind.SUPPORT_RENEWAL,
        days_ago=5,
        tax_rate=fr_vat,
        po_number="BC-2026-118",
        lines=[("ORD-61001", "Database Standard Edition 2 — support logiciel", D("9600.00"), True)],
    )
    demo_invoice(
        lumiere,
        "INV-FR-2002",
        kind=InvoiceKind.CLOUD_SUBSCRIPTION,
        days_ago=50,
        tax_rate=fr_vat,
        lines=[("ORD-61200", "OCI Universal Credits — abonnement annuel", D("22000.00"), False)],
    )
    demo_invoice(
        lumiere,
        "INV-FR-2003",
        kind=InvoiceKind.CONSULTING,
        days_ago=90,
        tax_rate=fr_vat,
        lines=[("ORD-60010", "Conseil — atelier d'architecture", D("1200.00"), False)],
    )
    cancelled = demo_invoice(
        lumiere,
        "INV-FR-2004",
        kind=InvoiceKind.LICENSE,
        days_ago=120,
        tax_rate=fr_vat,
        lines=[("ORD-59990", "Oracle Linux Premier Support", D("850.00"), False)],
    )
    # Cancelled the way support does it: a credit memo takes the balance to zero, the invoice stays.
    if cancelled.state != InvoiceState.CANCELLED:
        invoice_cancel(invoice=cancelled, actor=None, reason="Ordered twice: replaced by order ORD-60010")
