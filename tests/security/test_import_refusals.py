"""Issue 10 item 5: an import file never gives a raw traceback nor is silently accepted or rounded.

Every refusal names the row and the field in plain words, and nothing is written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from invoices.models import Invoice
from rewards.models import ConsumptionRecord
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
INVOICE_HEADER = (
    "number,customer_number,kind,issue_date,currency,description,product,quantity,unit_price,tax\n"
)
USAGE_HEADER = "customer_number,subscription,service,period_start,quantity,unit_net_price,currency\n"


@pytest.fixture
def usd_account():
    return CustomerAccountFactory(customer_number="C-USD", currency="USD")


@pytest.fixture
def jpy_account():
    return CustomerAccountFactory(customer_number="C-JPY", country="JP", currency="JPY")


def invoice_row(**values) -> str:
    row = {
        "number": "INV-1",
        "customer_number": "C-USD",
        "kind": "license",
        "issue_date": "2026-11-02",
        "currency": "USD",
        "description": "Line",
        "product": "Product",
        "quantity": "1",
        "unit_price": "100.00",
        "tax": "0",
    } | values
    return ",".join(row[name] for name in INVOICE_HEADER.strip().split(",")) + "\n"


def refused_invoices(path: Path, capsys) -> str:
    """Import `path`; it must be refused with problems printed and nothing written. Returns the problems."""
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_invoices", str(path), "--no-email")
    assert not Invoice.objects.exists()
    return capsys.readouterr().err


def csv_file(tmp_path, body: str, *, header: str = INVOICE_HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "invoices.csv"
    path.write_bytes((header + body).encode(encoding))
    return path


# --- invoices: no raw traceback -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"quantity": "1000", "unit_price": "9999999999"}, "amount"),  # 9 999 999 999 000 > 14 digits
        ({"unit_price": "1e20"}, "unit_price"),
        ({"unit_price": "100000000000"}, "unit_price"),  # 11 integer digits, the column holds 10
        ({"tax": "10000000000000"}, "tax"),
        ({"quantity": "1.00001"}, "quantity"),  # 5 decimals: the column keeps 4, it would round
    ],
)
def test_an_amount_beyond_its_column_is_refused_with_its_row_and_field(
    usd_account, tmp_path, capsys, values, field
):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(**values)), capsys)
    assert f"row 2, {field}:" in errors


def test_invoice_totals_beyond_the_money_column_are_refused(usd_account, tmp_path, capsys):
    lines = invoice_row(quantity="100", unit_price="6000000000") * 2  # 2 × 6e11: each fits, not the sum
    errors = refused_invoices(csv_file(tmp_path, lines), capsys)
    assert "row 2, total:" in errors


@pytest.mark.parametrize("field", ["description", "customer_number", "number", "product"])
def test_a_nul_byte_is_refused_with_its_row_and_field(usd_account, tmp_path, capsys, field):
    value = {"number": "INV-1", "customer_number": "C-USD", "description": "Line", "product": "Product"}[
        field
    ]
    errors = refused_invoices(csv_file(tmp_path, invoice_row(**{field: value + "\x00"})), capsys)
    assert f"row 2, {field}: contains a NUL character" in errors


def test_a_nul_byte_in_json_is_refused_with_its_invoice_and_line(usd_account, tmp_path, capsys):
    item = {
        "number": "INV-1",
        "customer_number": "C-USD",
        "kind": "license",
        "issue_date": "2026-11-02",
        "lines": [{"description": "Line\x00", "product": "Product", "unit_price": "1.00"}],
    }
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps([item]))
    assert "invoice 1, line 1, description: contains a NUL character" in refused_invoices(path, capsys)


def test_a_latin_1_file_is_refused_naming_the_row(usd_account, tmp_path, capsys):
    body = invoice_row() + invoice_row(number="INV-2", description="Réseau")
    errors = refused_invoices(csv_file(tmp_path, body, encoding="latin-1"), capsys)
    assert "row 3, file: not UTF-8 text" in errors


def test_a_date_that_overflows_with_the_payment_terms_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(issue_date="9999-12-31")), capsys)
    assert "row 2, due_date:" in errors


def test_a_json_number_too_long_to_read_is_refused(usd_account, tmp_path, capsys):
    path = tmp_path / "invoices.json"
    path.write_text('[{"number": "INV-1", "total": ' + "9" * 5000 + "}]")
    assert "file:" in refused_invoices(path, capsys)


def test_a_field_longer_than_the_csv_reader_allows_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(description='"' + "x" * 200_000 + '"')), capsys)
    assert "row 2" in errors


def test_a_product_name_over_its_column_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(product="P" * 201)), capsys)
    assert "row 2, product: at most 200 characters" in errors


# --- invoices: no silent acceptance ---------------------------------------------------------------------


def test_a_currency_outside_iso_4217_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(currency="XXX")), capsys)
    assert "row 2, currency: 'XXX' is not a currency in use (ISO 4217)" in errors


def test_a_currency_other_than_the_accounts_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(currency="EUR")), capsys)
    assert "row 2, currency: EUR differs from the account's currency USD" in errors


def test_an_invoice_of_zero_is_refused(usd_account, tmp_path, capsys):
    errors = refused_invoices(csv_file(tmp_path, invoice_row(unit_price="0.00")), capsys)
    assert "row 2, total: an invoice of 0.00 bills nothing" in errors


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"unit_price": "100.50"}, "amount"),  # quantity × unit price = 100.5 yen: was rounded to 101
        ({"unit_price": "100", "tax": "8.50"}, "tax"),
    ],
)
def test_jpy_cents_are_refused_not_rounded(jpy_account, tmp_path, capsys, values, field):
    row = invoice_row(customer_number="C-JPY", currency="JPY", **values)
    errors = refused_invoices(csv_file(tmp_path, row), capsys)
    assert f"row 2, {field}:" in errors and "JPY" in errors


def test_an_explicit_amount_with_more_decimals_than_the_currency_is_refused(usd_account, tmp_path, capsys):
    header = INVOICE_HEADER.strip() + ",amount\n"
    errors = refused_invoices(csv_file(tmp_path, invoice_row().strip() + ",100.001\n", header=header), capsys)
    assert "row 2, amount: '100.001' has more decimals than USD allows (2)" in errors


def test_a_valid_jpy_invoice_is_still_imported(jpy_account, tmp_path):
    row = invoice_row(customer_number="C-JPY", currency="JPY", unit_price="120000", tax="12000")
    call_command("import_invoices", str(csv_file(tmp_path, row)), "--no-email")
    assert Invoice.objects.get(number="INV-1").total == 132000


# --- consumption for Support Rewards --------------------------------------------------------------------


def usage_row(**values) -> str:
    row = {
        "customer_number": "C-USD",
        "subscription": "SUB-1",
        "service": "OCI Compute",
        "period_start": "2021-12-01",
        "quantity": "10",
        "unit_net_price": "0.025",
        "currency": "USD",
    } | values
    return ",".join(row[name] for name in USAGE_HEADER.strip().split(",")) + "\n"


def refused_consumption(tmp_path, body: str, *, encoding: str = "utf-8") -> str:
    path = tmp_path / "usage.csv"
    path.write_bytes((USAGE_HEADER + body).encode(encoding))
    with pytest.raises(CommandError, match="Nothing imported") as refusal:
        call_command("import_consumption", str(path))
    assert not ConsumptionRecord.objects.exists()
    return str(refusal.value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"subscription": "S" * 41}, "row 2, subscription: at most 40 characters"),
        ({"service": "S" * 201}, "row 2, service: at most 200 characters"),
        ({"subscription": "SUB\x00"}, "row 2, subscription: contains a NUL character"),
        ({"quantity": "1e20"}, "row 2, quantity:"),
        ({"quantity": "1.1234567"}, "row 2, quantity:"),  # 7 decimals: the column keeps 6
        ({"quantity": "10000000000", "unit_net_price": "1000"}, "row 2, quantity:"),  # amount > 14 digits
        ({"currency": "XXX"}, "row 2, currency: 'XXX' is not a currency in use (ISO 4217)"),
    ],
)
def test_consumption_refusals_name_row_and_field(usd_account, tmp_path, values, message):
    assert message in refused_consumption(tmp_path, usage_row(**values))


def test_a_latin_1_consumption_file_is_refused_naming_the_row(usd_account, tmp_path):
    message = refused_consumption(tmp_path, usage_row() + usage_row(service="Réseau"), encoding="latin-1")
    assert "row 3, file: not UTF-8 text" in message


# --- the management commands print the problems and exit non-zero ----------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("command", "body", "expected"),
    [
        ("import_invoices", INVOICE_HEADER + invoice_row(currency="XXX"), "row 2, currency:"),
        ("import_consumption", USAGE_HEADER + usage_row(subscription="S" * 41), "row 2, subscription:"),
    ],
)
def test_the_command_prints_the_problems_and_exits_non_zero(tmp_path, command, body, expected):
    from django.db import connection

    CustomerAccountFactory(customer_number="C-USD", currency="USD")
    path = tmp_path / "file.csv"
    path.write_text(body)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", command, str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
