"""Each way billing support closes a request, with the seed's wording as the example (issue 13).

Seed (FAQ): « Si vous avez besoin de contester une facture payée […] vous recevrez une note de crédit et une
nouvelle facture sera émise. La nouvelle facture sera honorée avec le montant payé pour la facture
initiale. Si la facture litigieuse est seulement annulée, le montant payé sera utilisé pour honorer vos
autres factures impayées. Si vous n'avez pas d'autres factures impayées, l'assistance de facturation lance
un processus de remboursement. »
"""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.models import ActivityEntry
from invoices.importing import invoices_import
from invoices.models import Invoice, InvoiceState
from payments.models import Refund
from support.attachments import IncomingFile
from support.models import Outcome, RequestKind, RequestStatus
from support.services import SupportError, request_close, request_open
from tests.factories import staff_user
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory
from tests.payments.factories import invoice_paid

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff(db):
    return staff_user()


def _dispute(account, user, invoice, lines=()):
    return request_open(
        account=account,
        user=user,
        kind=RequestKind.DISPUTE,
        invoice=invoice,
        lines=lines,
        description="Nous contestons cette facture.",
        fields={"dispute_reason": "wrong_amount"},
    )


def _invoice_with_lines(account, number, amounts, *, due=None):
    subtotal = sum((Decimal(a) for a in amounts), Decimal(0))
    invoice = InvoiceFactory(
        account=account,
        number=number,
        subtotal=subtotal,
        tax=Decimal("0.00"),
        issue_date=datetime.date(2026, 10, 1),
        due_date=due or datetime.date(2026, 10, 31),
    )
    for position, amount in enumerate(amounts, start=1):
        InvoiceLineFactory(invoice=invoice, position=position, amount=Decimal(amount), tax=Decimal("0.00"))
    return invoice


def test_paid_invoice_disputed_gets_a_credit_memo_and_a_new_invoice_honoured_with_the_paid_amount(
    account, billing_contact, staff
):
    """« vous recevrez une note de crédit et une nouvelle facture sera émise […] honorée avec le montant payé »"""
    invoice = _invoice_with_lines(account, "INV-D-1", ["1000.00", "200.00"])
    invoice_paid(invoice, "1200.00")
    req = _dispute(account, billing_contact, invoice)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DISPUTED

    request_close(
        support_request=req,
        outcome=Outcome.CREDIT_AND_REISSUE,
        message="Facture corrigée et réémise.",
        actor=staff,
    )
    req.refresh_from_db()
    invoice.refresh_from_db()
    assert req.status == RequestStatus.RESOLVED
    assert invoice.state == InvoiceState.CANCELLED
    assert req.credit_memo is not None and req.credit_memo.amount == Decimal("1200.00")
    new = req.new_invoice
    assert new.replaces == invoice and new.state == InvoiceState.ISSUED
    assert new.total == Decimal("1200.00")
    assert new.amount_due == Decimal("0.00")  # honoured with what was paid: balance 0
    assert ActivityEntry.objects.filter(account=account, action="invoice.credited").exists()


def test_cancelled_invoice_pays_the_other_open_invoices_oldest_first(account, billing_contact, staff):
    """« Si la facture litigieuse est seulement annulée, le montant payé sera utilisé pour honorer vos autres
    factures impayées. »"""
    disputed = _invoice_with_lines(account, "INV-C-1", ["1500.00"])
    invoice_paid(disputed, "1500.00")
    older = _invoice_with_lines(account, "INV-C-OLD", ["1000.00"], due=datetime.date(2026, 11, 1))
    newer = _invoice_with_lines(account, "INV-C-NEW", ["1000.00"], due=datetime.date(2026, 12, 1))
    req = _dispute(account, billing_contact, disputed)

    request_close(support_request=req, outcome=Outcome.INVOICE_CANCELLED, message="Annulée.", actor=staff)
    for invoice in (disputed, older, newer):
        invoice.refresh_from_db()
    assert disputed.state == InvoiceState.CANCELLED
    assert older.amount_due == Decimal("0.00")
    assert newer.amount_due == Decimal("500.00")
    req.refresh_from_db()
    assert req.refund is None


def test_cancelled_invoice_with_no_other_open_invoice_starts_a_refund(account, billing_contact, staff):
    """« Si vous n'avez pas d'autres factures impayées, l'assistance de facturation lance un processus de
    remboursement. »"""
    disputed = _invoice_with_lines(account, "INV-R-1", ["800.00"])
    invoice_paid(disputed, "800.00")
    req = _dispute(account, billing_contact, disputed)

    request_close(support_request=req, outcome=Outcome.INVOICE_CANCELLED, message="Annulée.", actor=staff)
    req.refresh_from_db()
    assert req.refund is not None
    assert req.refund.amount == Decimal("800.00")
    assert req.refund.status == Refund.Status.REQUESTED


def test_partial_line_dispute_gets_a_credit_memo_for_those_lines_only(account, billing_contact, staff):
    invoice = _invoice_with_lines(account, "INV-P-1", ["1000.00", "300.00", "200.00"])
    lines = list(invoice.lines.order_by("position"))
    req = _dispute(account, billing_contact, invoice, lines=lines[1:])
    assert req.contested_amount == Decimal("500.00")

    request_close(support_request=req, outcome=Outcome.CREDIT_MEMO, message="Avoir émis.", actor=staff)
    invoice.refresh_from_db()
    req.refresh_from_db()
    assert req.credit_memo.amount == Decimal("500.00")
    assert invoice.state == InvoiceState.ISSUED  # due again for the rest
    assert invoice.amount_due == Decimal("1000.00")


def test_partial_line_dispute_on_a_paid_invoice_frees_the_credited_part(account, billing_contact, staff):
    invoice = _invoice_with_lines(account, "INV-PP-1", ["1000.00", "500.00"])
    invoice_paid(invoice, "1500.00")
    other = _invoice_with_lines(account, "INV-PP-2", ["700.00"])
    req = _dispute(account, billing_contact, invoice, lines=list(invoice.lines.filter(position=2)))

    request_close(support_request=req, outcome=Outcome.CREDIT_MEMO, message="Avoir émis.", actor=staff)
    invoice.refresh_from_db()
    other.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00")
    assert invoice.credit_memos.get().amount == Decimal("500.00")
    assert other.amount_due == Decimal("200.00")  # the 500 paid for the credited line pays the other invoice


def test_rejected_dispute_puts_the_invoice_back_due(account, billing_contact, staff):
    invoice = _invoice_with_lines(account, "INV-X-1", ["900.00"])
    req = _dispute(account, billing_contact, invoice)
    request_close(
        support_request=req, outcome=Outcome.DISPUTE_REJECTED, message="Montant correct.", actor=staff
    )
    invoice.refresh_from_db()
    req.refresh_from_db()
    assert invoice.state == InvoiceState.ISSUED and invoice.amount_due == Decimal("900.00")
    assert req.status == RequestStatus.REFUSED and req.outcome == Outcome.DISPUTE_REJECTED


def test_po_accepted_is_printed_on_the_next_imported_invoice(account, billing_contact, staff, tmp_path):
    """Seed: « demander qu'un numéro de commande fournisseur soit repris sur les prochaines factures »."""
    req = request_open(
        account=account,
        user=billing_contact,
        kind=RequestKind.PO_NUMBER,
        fields={"po_number": "PO-2026-4471", "po_value": Decimal("24000.00")},
    )
    request_close(
        support_request=req, outcome=Outcome.ACCEPTED, message="Bon de commande enregistré.", actor=staff
    )
    path = tmp_path / "invoices.csv"
    path.write_text(
        "number,customer_number,kind,issue_date,currency,po_number,order_number,description,product,"
        "quantity,unit_price,tax\n"
        f"INV-PO-1,{account.customer_number},license,2026-11-16,{account.currency},,ORD-1,Licence,Product,1,100.00,0\n"
        f"INV-PO-2,{account.customer_number},license,2026-11-16,{account.currency},PO-OWN,ORD-2,Licence,Product,1,100.00,0\n"
    )
    invoices_import(path=path, notify=False)
    assert Invoice.objects.get(number="INV-PO-1").po_number == "PO-2026-4471"
    assert Invoice.objects.get(number="INV-PO-2").po_number == "PO-OWN"  # an invoice's own PO wins


def test_vat_accepted_changes_the_tax_number_and_refused_leaves_it(account, billing_contact, staff):
    fields = {"tax_number": "FR40303265045", "tax_country": "FR"}
    files = [IncomingFile(name="certificat.pdf", data=PDF)]
    refused = request_open(
        account=account, user=billing_contact, kind=RequestKind.TAX_NUMBER, fields=fields, files=files
    )
    request_close(
        support_request=refused, outcome=Outcome.REFUSED, message="Certificat illisible.", actor=staff
    )
    account.refresh_from_db()
    assert account.tax_number == ""
    accepted = request_open(
        account=account, user=billing_contact, kind=RequestKind.TAX_NUMBER, fields=fields, files=files
    )
    request_close(
        support_request=accepted, outcome=Outcome.ACCEPTED, message="Numéro mis à jour.", actor=staff
    )
    account.refresh_from_db()
    assert account.tax_number == "FR40303265045"


def test_a_dispute_outcome_does_not_apply_to_other_kinds(account, billing_contact, staff):
    req = request_open(account=account, user=billing_contact, kind=RequestKind.OTHER, description="?")
    with pytest.raises(SupportError):
        request_close(support_request=req, outcome=Outcome.CREDIT_MEMO, message="x", actor=staff)
