"""manage.py import_orders: all or nothing, every problem named by row and field, idempotent."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from invoices.import_files import ImportFailed
from orders.importing import orders_import
from orders.models import Order, OrderStatus, Subscription, UsageRecord
from tests.factories import CustomerAccountFactory

pytestmark = pytest.mark.django_db

CSV = """order_number,subscription_number,customer_number,order_date,po_number,subscription_start_date,subscription_term_months,subscription_billing_frequency,product,category,amount,provisioned_on
ORD-9001,SUB-9001,C-100200,2026-12-15,PO-1,2027-01-01,12,annual,Integration Cloud,paas,24000.00,2027-01-01
ORD-9001,SUB-9001,C-100200,2026-12-15,PO-1,2027-01-01,12,annual,Fusion ERP,saas,24000.00,
"""


@pytest.fixture
def acme(db):
    return CustomerAccountFactory(customer_number="C-100200", currency="USD")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_of_order_lines_creates_the_subscription_order_and_products(acme, tmp_path):
    result = orders_import(path=write(tmp_path, "orders.csv", CSV))
    assert result.created == ["subscription SUB-9001", "order ORD-9001"]
    subscription = Subscription.objects.get(number="SUB-9001")
    assert (subscription.end_date, subscription.billing_timing) == (datetime.date(2027, 12, 31), "advance")
    order = Order.objects.get(number="ORD-9001")
    assert (order.total, order.po_number, order.status) == (
        Decimal("48000.00"),
        "PO-1",
        OrderStatus.PARTLY_PROVISIONED,
    )
    assert order.lines.count() == 2


def test_importing_the_same_file_twice_skips_everything(acme, tmp_path):
    path = write(tmp_path, "orders.csv", CSV)
    orders_import(path=path)
    result = orders_import(path=path)
    assert result.created == [] and len(result.skipped) == 2


def test_every_problem_is_named_and_nothing_is_written(acme, tmp_path):
    text = CSV.replace("24000.00,2027-01-01", "24000.001,2026-01-01").replace("saas,24000.00", "cloud,abc")
    with pytest.raises(ImportFailed) as failure:
        orders_import(path=write(tmp_path, "orders.csv", text))
    problems = [str(problem) for problem in failure.value.problems]
    assert "row 2, amount: '24000.001' has more decimals than USD allows (2)" in problems
    assert "row 2, provisioned_on: before the order date" in problems
    assert any(p.startswith("row 3, category: 'cloud' is not one of") for p in problems)
    assert "row 3, amount: 'abc' is not a number (use a dot for decimals)" in problems
    assert not Subscription.objects.exists() and not Order.objects.exists()


def test_rows_of_one_order_must_agree(acme, tmp_path):
    text = CSV.replace(
        "2026-12-15,PO-1,2027-01-01,12,annual,Fusion", "2026-12-16,PO-1,2027-01-01,12,annual,Fusion"
    )
    with pytest.raises(ImportFailed) as failure:
        orders_import(path=write(tmp_path, "orders.csv", text))
    assert [str(p) for p in failure.value.problems] == [
        "row 3, order_date: differs from row 2 of the same order"
    ]


def test_json_with_subscriptions_orders_and_usage(acme, tmp_path):
    data = {
        "subscriptions": [
            {
                "number": "SUB-55",
                "customer_number": "C-100200",
                "start_date": "2027-01-01",
                "term_months": 55,
                "billing_frequency": "annual",
            },
        ],
        "orders": [
            {
                "number": "ORD-55",
                "subscription_number": "SUB-55",
                "order_date": "2026-12-01",
                "lines": [
                    {"product": "Universal Credits", "amount": "3250.00", "provisioned_on": "2027-01-01"}
                ],
            },
            {
                "number": "ORD-56",
                "subscription_number": "SUB-55",
                "order_date": "2027-06-01",
                "kind": "add_on",
                "paid_at_once": True,
                "lines": [{"product": "Extra", "amount": "500", "service_start": "2027-07-01"}],
            },
        ],
        "usage": [
            {
                "subscription_number": "SUB-55",
                "month": "2027-03",
                "product": "OCI",
                "quantity": "1500",
                "unit_price": "1",
                "committed_amount": "1000",
            }
        ],
    }
    result = orders_import(path=write(tmp_path, "orders.json", json.dumps(data)))
    assert len(result.created) == 4
    assert UsageRecord.objects.get().month == datetime.date(2027, 3, 1)
    data["usage"][0]["quantity"] = "1600"
    with pytest.raises(ImportFailed) as failure:
        orders_import(path=write(tmp_path, "orders.json", json.dumps(data)))
    assert [str(p) for p in failure.value.problems] == [
        "usage 1, month: this month's usage of the product was already imported with other figures"
    ]


def test_json_problems_name_the_order_and_line(acme, tmp_path):
    data = {
        "orders": [
            {
                "number": "ORD-X",
                "subscription_number": "SUB-NONE",
                "order_date": "2027-01-01",
                "kind": "initial",
                "paid_at_once": "true",
                "lines": [{"amount": "1"}],
            }
        ]
    }
    with pytest.raises(ImportFailed) as failure:
        orders_import(path=write(tmp_path, "orders.json", json.dumps(data)))
    problems = [str(p) for p in failure.value.problems]
    assert "order 1, subscription_number: no subscription 'SUB-NONE' in the file or imported" in problems
    assert "order 1, paid_at_once: only an add-on order can be paid in full at purchase" in problems
    assert "order 1, line 1, product: required" in problems


def test_arrears_only_monthly_and_currency_of_the_account(acme, tmp_path):
    text = CSV.replace(
        "subscription_billing_frequency",
        "subscription_billing_frequency,subscription_billing_timing,subscription_currency",
    ).replace("12,annual,", "12,annual,arrears,EUR,")
    with pytest.raises(ImportFailed) as failure:
        orders_import(path=write(tmp_path, "orders.csv", text))
    problems = [str(p) for p in failure.value.problems]
    assert "row 2, billing_timing: only monthly billing can be in arrears" in problems
    assert "row 2, currency: EUR differs from the account's currency USD" in problems


def test_the_command_prints_problems_and_fails(acme, tmp_path, capsys):
    path = write(tmp_path, "orders.txt", "x")
    with pytest.raises(CommandError):
        call_command("import_orders", str(path))
    assert "the file must end in .csv or .json" in capsys.readouterr().err
    call_command("import_orders", str(write(tmp_path, "orders.csv", CSV)))
    assert "2 record(s) imported" in capsys.readouterr().out
