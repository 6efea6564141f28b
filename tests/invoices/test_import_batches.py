"""Issue 17: the invoice import reads its file as a stream and writes it in bulk batches, in one transaction.

Query counts stay constant per batch whatever the number of invoices in it; a problem in a late batch
still leaves nothing written; issued invoices get what `invoice_issue` gives one invoice (status change,
activity entry, version 2, the issue email in the outbox)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ActivityEntry
from invoices import importing
from invoices.importing import invoices_import
from invoices.models import Invoice, InvoiceEvent, InvoiceLine
from notifications.models import OutboxEmail
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

HEADER = "number,customer_number,kind,issue_date,currency,description,product,quantity,unit_price,tax\n"


def rows(count: int, *, start: int = 1, lines: int = 2, customer: str = "C-1") -> str:
    return "".join(
        f"INV-{n:05d},{customer},license,2026-11-02,USD,Line {k},Product,1,100.00,8.00\n"
        for n in range(start, start + count)
        for k in range(lines)
    )


def csv_file(tmp_path, body: str, name: str = "invoices.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def accounts():
    return [
        CustomerAccountFactory(customer_number="C-1", currency="USD"),
        CustomerAccountFactory(customer_number="C-2", currency="USD", language="fr"),
    ]


def import_queries(path) -> int:
    with CaptureQueriesContext(connection) as queries:
        invoices_import(path=path)
    return len(queries)


def test_query_count_depends_on_the_batches_not_on_the_invoices(accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH", 10)
    invoices_import(path=csv_file(tmp_path, rows(1, start=999), "warm.csv"))  # content types cached
    one_invoice = import_queries(csv_file(tmp_path, rows(1), "one.csv"))
    full_batch = import_queries(csv_file(tmp_path, rows(10, start=100), "ten.csv"))
    three_batches = import_queries(csv_file(tmp_path, rows(30, start=200), "thirty.csv"))
    assert one_invoice == full_batch
    per_batch = three_batches - full_batch
    # A handful of statements per batch: look-ups, then a COPY per table, the invoices' and emails' ids
    # taken from their sequences before theirs (core/bulk.py).
    assert per_batch % 2 == 0 and per_batch // 2 <= 9
    assert Invoice.objects.count() == 42 and InvoiceLine.objects.count() == 84


def test_issued_invoices_get_their_status_change_activity_and_email_in_bulk(accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH", 3)
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER.replace("tax\n", "tax,state\n")
        + "".join(line + ",issued\n" for line in (rows(4) + rows(3, start=10, customer="C-2")).splitlines())
        + "INV-DRAFT,C-1,license,2026-11-02,USD,Line,Product,1,50.00,0,draft\n",
        encoding="utf-8",
    )
    result = invoices_import(path=path)
    assert len(result.created) == 8 and not result.skipped
    issued = Invoice.objects.filter(state="issued")
    assert issued.count() == 7 and set(issued.values_list("version", flat=True)) == {2}
    assert not issued.filter(issued_at__isnull=True).exists()
    draft = Invoice.objects.get(number="INV-DRAFT")
    assert (draft.state, draft.version, draft.issued_at) == ("draft", 1, None)
    assert InvoiceEvent.objects.filter(from_state="draft", to_state="issued").count() == 7
    entry = ActivityEntry.objects.get(action="invoice.issued", target="INV-00010")
    assert entry.params == {"invoice": "INV-00010", "total": "216.00", "currency": "USD"}
    assert entry.details == {"version": 2, "notify": True} and entry.account == accounts[1]
    emails = OutboxEmail.objects.filter(kind="invoice.issued")
    assert emails.count() == 7
    email = emails.get(object_id=Invoice.objects.get(number="INV-00010").pk)
    assert email.dedupe_key == f"invoice:{email.object_id}:v2" and email.language == "fr"


def test_a_problem_in_a_late_batch_leaves_nothing_written(accounts, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(importing, "IMPORT_BATCH", 5)
    body = rows(12) + "INV-BAD,C-1,license,2026-11-02,USD,Line,Product,1,abc,0\n" + rows(3, start=50)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_invoices", str(csv_file(tmp_path, body)))
    assert "row 26, unit_price: 'abc' is not a number" in capsys.readouterr().err
    assert not Invoice.objects.exists() and not OutboxEmail.objects.exists()
    assert not ActivityEntry.objects.filter(action="invoice.issued").exists()


def test_problems_after_the_first_are_all_reported(accounts, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(importing, "IMPORT_BATCH", 2)
    body = (
        "INV-1,C-9,license,2026-11-02,USD,Line,Product,1,100.00,0\n"
        + rows(5, start=10)
        + "INV-2,C-1,license,2026-13-01,USD,Line,Product,1,100.00,0\n"
    )
    with pytest.raises(CommandError):
        call_command("import_invoices", str(csv_file(tmp_path, body)))
    errors = capsys.readouterr().err
    assert "row 2, customer_number:" in errors and "row 13, issue_date:" in errors


def test_a_number_seen_again_after_other_invoices_is_refused(accounts, tmp_path, capsys):
    body = rows(1) + rows(1, start=2) + rows(1, lines=1)
    with pytest.raises(CommandError):
        call_command("import_invoices", str(csv_file(tmp_path, body)))
    assert "row 6, number: appears twice in the file (first at row 2)" in capsys.readouterr().err


def test_reimport_in_batches_skips_what_exists(accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH", 4)
    invoices_import(path=csv_file(tmp_path, rows(6), "first.csv"), notify=False)
    result = invoices_import(path=csv_file(tmp_path, rows(10), "second.csv"), notify=False)
    assert len(result.skipped) == 6 and len(result.created) == 4
    assert Invoice.objects.count() == 10 and InvoiceLine.objects.count() == 20
