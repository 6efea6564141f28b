import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from invoices.models import Invoice, InvoiceLine
from notifications.models import OutboxEmail
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "number,customer_number,kind,issue_date,currency,po_number,order_number,description,product,"
    "quantity,unit_price,tax,rewards_eligible\n"
)


@pytest.fixture
def acme():
    return CustomerAccountFactory(customer_number="C-100200", currency="USD")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def good_csv(tmp_path):
    return write(
        tmp_path,
        "invoices.csv",
        HEADER
        + "INV-US-3001,C-100200,support_renewal,2026-11-02,USD,PO-7781,ORD-55012,DB support — order ORD-55012,DB EE support,1,18000.00,1485.00,true\n"
        + "INV-US-3001,C-100200,support_renewal,2026-11-02,USD,PO-7781,ORD-55012,WLS support — order ORD-55012,WebLogic support,2,3200.00,528.00,true\n"
        + "INV-US-3002,C-100200,consulting,2026-11-03,USD,,ORD-54001,Consulting — order ORD-54001,Consulting,1,5000.00,412.50,false\n",
    )


def test_csv_import_creates_issued_invoices_with_lines_totals_and_net_30(acme, tmp_path, mailoutbox):
    call_command("import_invoices", str(good_csv(tmp_path)))
    invoice = Invoice.objects.get(number="INV-US-3001")
    assert invoice.state == "issued" and invoice.account == acme and invoice.po_number == "PO-7781"
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("24400.00"),
        Decimal("2013.00"),
        Decimal("26413.00"),
    )
    assert invoice.amount_due == invoice.total
    assert str(invoice.due_date) == "2026-12-02"
    assert invoice.lines.count() == 2 and invoice.lines.filter(is_rewards_eligible_support=True).count() == 2
    assert OutboxEmail.objects.filter(kind="invoice.issued").count() == 2


def test_import_is_idempotent_by_invoice_number(acme, tmp_path):
    path = good_csv(tmp_path)
    call_command("import_invoices", str(path), "--no-email")
    call_command("import_invoices", str(path), "--no-email")
    assert Invoice.objects.count() == 2 and InvoiceLine.objects.count() == 3
    assert not OutboxEmail.objects.exists()


def test_import_errors_name_the_row_and_field_and_nothing_is_written(acme, tmp_path, capsys):
    path = write(
        tmp_path,
        "bad.csv",
        HEADER
        + "INV-OK-1,C-100200,license,2026-11-02,USD,,ORD-1,Fine line,Product,1,100.00,0,false\n"
        + "INV-BAD-1,C-999999,license,2026-11-02,USD,,ORD-2,Line,Product,1,abc,0,false\n"
        + "INV-BAD-2,C-100200,gadget,2026-13-02,USD,,ORD-3,Line,Product,1,100.00,0,maybe\n",
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_invoices", str(path))
    errors = capsys.readouterr().err
    assert "row 3, customer_number: no customer account 'C-999999'" in errors
    assert "row 3, unit_price: 'abc' is not a number" in errors
    assert (
        "row 4, kind:" in errors and "row 4, issue_date:" in errors and "row 4, rewards_eligible:" in errors
    )
    assert not Invoice.objects.exists()


def test_import_refuses_a_known_number_with_different_amounts(acme, tmp_path):
    call_command("import_invoices", str(good_csv(tmp_path)), "--no-email")
    changed = write(tmp_path, "changed.csv", good_csv(tmp_path).read_text().replace("5000.00", "5100.00"))
    with pytest.raises(CommandError):
        call_command("import_invoices", str(changed))
    assert Invoice.objects.get(number="INV-US-3002").subtotal == Decimal("5000.00")


def test_csv_rows_of_one_invoice_must_agree(acme, tmp_path, capsys):
    path = write(
        tmp_path,
        "split.csv",
        HEADER
        + "INV-1,C-100200,license,2026-11-02,USD,PO-1,ORD-1,Line,Product,1,100.00,0,false\n"
        + "INV-1,C-100200,license,2026-11-02,USD,PO-2,ORD-1,Line,Product,1,100.00,0,false\n",
    )
    with pytest.raises(CommandError):
        call_command("import_invoices", str(path))
    assert "row 3, po_number: differs from row 2" in capsys.readouterr().err


def test_json_import_with_lines_and_a_total_check(tmp_path, capsys):
    CustomerAccountFactory(customer_number="C-300400", currency="EUR", language="fr")
    invoice = {
        "number": "INV-FR-3001",
        "customer_number": "C-300400",
        "kind": "cloud_subscription",
        "issue_date": "2026-11-02",
        "total": "26400.00",
        "lines": [
            {"description": "OCI — ORD-61200", "product": "OCI", "unit_price": "22000.00", "tax": "4400.00"}
        ],
    }
    call_command("import_invoices", str(write(tmp_path, "ok.json", json.dumps([invoice]))), "--no-email")
    created = Invoice.objects.get(number="INV-FR-3001")
    assert created.currency == "EUR" and created.language == "fr" and created.total == Decimal("26400.00")

    wrong = {
        **invoice,
        "number": "INV-FR-3002",
        "total": "26000.00",
        "lines": [*invoice["lines"], {"product": "X"}],
    }
    with pytest.raises(CommandError):
        call_command("import_invoices", str(write(tmp_path, "bad.json", json.dumps({"invoices": [wrong]}))))
    errors = capsys.readouterr().err
    assert "invoice 1, line 2, description: required" in errors
    assert "invoice 1, line 2, unit_price: required" in errors
    assert not Invoice.objects.filter(number="INV-FR-3002").exists()


def test_line_amount_must_equal_quantity_times_unit_price(acme, tmp_path, capsys):
    path = write(
        tmp_path,
        "amount.csv",
        "number,customer_number,kind,issue_date,description,product,quantity,unit_price,amount\n"
        "INV-A,C-100200,license,2026-11-02,Line,Product,3,33.3333,100.00\n"
        "INV-B,C-100200,license,2026-11-02,Line,Product,3,10.00,31.00\n",
    )
    with pytest.raises(CommandError):
        call_command("import_invoices", str(path))
    errors = capsys.readouterr().err
    assert "row 3, amount: 31.00 given, quantity × unit price is 30.00" in errors
    assert "row 2" not in errors  # 3 × 33.3333 = 99.9999 → 100.00 half-up


@pytest.mark.parametrize("terms", ["net30", "400", "12.5"])
def test_bad_payment_terms_with_an_explicit_due_date_is_reported_not_a_crash(acme, tmp_path, capsys, terms):
    path = write(
        tmp_path,
        "terms.csv",
        "number,customer_number,kind,issue_date,payment_terms_days,due_date,description,product,unit_price\n"
        f"INV-T-1,C-100200,license,2026-11-02,{terms},2026-12-02,Line,Product,100.00\n",
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_invoices", str(path))
    assert "row 2, payment_terms_days:" in capsys.readouterr().err
    assert not Invoice.objects.exists()
