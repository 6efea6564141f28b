"""core.bulk.bulk_copy: rows written by COPY read back as bulk_create writes them."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from accounts.models import ActivityEntry
from core.bulk import bulk_copy
from invoices.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)


def new_invoice(account, number: str) -> Invoice:
    return Invoice(
        number=number,
        account=account,
        kind=InvoiceKind.SUPPORT_RENEWAL,
        state=InvoiceState.ISSUED,
        issue_date=datetime.date(2026, 11, 2),
        due_date=datetime.date(2026, 12, 2),
        currency="EUR",
        subtotal=Decimal("2440.00"),
        tax=Decimal("488.00"),
        total=Decimal("2928.00"),
        amount_due=Decimal("2928.00"),
        po_number="PO-7",
        language="fr",
        issued_at=NOW,
    )


def saved_fields(obj) -> dict:
    return {key: value for key, value in model_to_dict(obj).items() if key != "id"}


def test_copied_invoices_lines_and_json_read_back_like_bulk_created_ones():
    account = CustomerAccountFactory()
    copied, created = new_invoice(account, "INV-COPY-1"), new_invoice(account, "INV-BULK-1")
    bulk_copy(Invoice, [copied], set_pks=True)
    Invoice.objects.bulk_create([created])
    assert copied.pk is not None and not copied._state.adding
    as_copied, as_created = Invoice.objects.get(pk=copied.pk), Invoice.objects.get(pk=created.pk)
    assert saved_fields(as_copied) | {"number": "x"} == saved_fields(as_created) | {"number": "x"}
    assert as_copied.state == "issued" and as_copied.kind == "support_renewal"  # values, not enum names
    assert as_copied.total == Decimal("2928.00") and as_copied.issued_at == NOW

    line = InvoiceLine(
        invoice=copied, product="WLS support", quantity=Decimal("2"), unit_price=Decimal("320.00")
    )
    line.amount, line.tax = Decimal("640.00"), Decimal("128.00")
    bulk_copy(InvoiceLine, [line])
    assert line.pk is None  # numbered by the database: nothing pointed at it
    assert as_copied.lines.get().amount == Decimal("640.00")

    with time_machine.travel(NOW, tick=False):
        entry = ActivityEntry(
            account=account, action="invoice.issued", params={"invoice": "INV-COPY-1", "n": 2}
        )
        bulk_copy(ActivityEntry, [entry])
    logged = ActivityEntry.objects.get(action="invoice.issued")
    assert logged.params == {"invoice": "INV-COPY-1", "n": 2}  # JSON, through the field's own preparation
    assert logged.created_at == NOW  # auto_now_add filled in as save() would


def test_a_copied_row_breaking_a_constraint_fails_and_writes_none_of_its_batch():
    account = CustomerAccountFactory()
    Invoice.objects.bulk_create([new_invoice(account, "INV-TAKEN")])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_copy(Invoice, [new_invoice(account, "INV-NEW"), new_invoice(account, "INV-TAKEN")], set_pks=True)
    assert list(Invoice.objects.values_list("number", flat=True)) == ["INV-TAKEN"]


def test_nothing_to_copy_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_copy(Invoice, [], set_pks=True) == []
