"""Reading an orders file (JSON, or CSV of order lines, or CSV of usage) into rows named for errors.

Format: orders/IMPORT_FORMAT.md. Validation and writing: orders/importing.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from invoices.import_files import ImportFailed, ImportProblem, file_text, json_load, nul_problems

SUBSCRIPTION_FIELDS = [
    "number",
    "customer_number",
    "name",
    "currency",
    "start_date",
    "term_months",
    "billing_frequency",
    "billing_timing",
]
ORDER_FIELDS = [
    "number",
    "subscription_number",
    "kind",
    "paid_at_once",
    "order_date",
    "po_number",
    "billing_contact_name",
    "billing_contact_email",
    "provisioning_on",
]
LINE_FIELDS = [
    "product",
    "product_code",
    "category",
    "quantity",
    "unit",
    "amount",
    "service_start",
    "provisioned_on",
    "shared_capacity",
]
USAGE_FIELDS = [
    "subscription_number",
    "month",
    "product",
    "product_code",
    "kind",
    "quantity",
    "unit_price",
    "committed_amount",
    "subscribed_quantity",
    "hours",
]


@dataclass
class Parsed:
    row: str  # "row 7" (CSV, header is row 1), "order 2, line 3" (JSON)
    values: dict[str, str]
    lines: list[Parsed] = field(default_factory=list)


@dataclass
class ParsedFile:
    subscriptions: list[Parsed] = field(default_factory=list)
    orders: list[Parsed] = field(default_factory=list)
    usage: list[Parsed] = field(default_factory=list)


def _strings(item: dict, names: list[str]) -> dict[str, str]:
    return {name: "" if item.get(name) is None else str(item[name]).strip() for name in names}


def _read_json(text: str) -> ParsedFile:
    data = json_load(text)
    if not isinstance(data, dict):
        raise ImportFailed(
            [ImportProblem("file", "file", "expected an object with subscriptions, orders, usage")]
        )
    parsed = ParsedFile()
    for section, names, target in (
        ("subscriptions", SUBSCRIPTION_FIELDS, parsed.subscriptions),
        ("orders", ORDER_FIELDS, parsed.orders),
        ("usage", USAGE_FIELDS, parsed.usage),
    ):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise ImportFailed([ImportProblem("file", section, "expected a list")])
        singular = {"subscriptions": "subscription", "orders": "order", "usage": "usage"}[section]
        for index, item in enumerate(items, start=1):
            where = f"{singular} {index}"
            if not isinstance(item, dict):
                raise ImportFailed([ImportProblem(where, singular, "expected an object")])
            entry = Parsed(row=where, values=_strings(item, names))
            lines = item.get("lines") if section == "orders" else []
            for line_index, line in enumerate(lines if isinstance(lines, list) else [], start=1):
                entry.lines.append(
                    Parsed(
                        row=f"{where}, line {line_index}",
                        values=_strings(line if isinstance(line, dict) else {}, LINE_FIELDS),
                    )
                )
            target.append(entry)
    return parsed


def _csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFailed(
            [ImportProblem(f"row {reader.reader.line_num}", "file", f"unreadable CSV: {error}")]
        ) from None
    header = [name.strip() for name in reader.fieldnames or []]
    return header, [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in rows]


def _read_csv(text: str) -> ParsedFile:
    """Order lines, one per row, with the subscription's (`subscription_*`) and the order's columns repeated;
    or usage records, one per row (a header with `month`)."""
    header, rows = _csv_rows(text)
    parsed = ParsedFile()
    if "month" in header:
        parsed.usage = [
            Parsed(row=f"row {n}", values=_strings(row, USAGE_FIELDS)) for n, row in enumerate(rows, 2)
        ]
        return parsed
    missing = {"order_number", "subscription_number"} - set(header)
    if missing:
        raise ImportFailed(
            [ImportProblem("row 1", name, "column missing from the header") for name in sorted(missing)]
        )
    subscriptions: dict[str, Parsed] = {}
    orders: dict[str, Parsed] = {}
    problems = []
    for number, row in enumerate(rows, start=2):
        where = f"row {number}"
        subscription = {name: row.get(f"subscription_{name}", "") for name in SUBSCRIPTION_FIELDS}
        subscription["customer_number"] = row.get("customer_number", "")
        order = {name: row.get(name, "") for name in ORDER_FIELDS}
        order["number"] = row.get("order_number", "")
        for values, seen, kind in ((subscription, subscriptions, "subscription"), (order, orders, "order")):
            first = seen.get(values["number"])
            if first is None:
                seen[values["number"]] = Parsed(row=where, values=values)
            elif first.values != values:
                changed = sorted(name for name in values if values[name] != first.values[name])
                problems += [
                    ImportProblem(where, name, f"differs from {first.row} of the same {kind}")
                    for name in changed
                ]
        orders[order["number"]].lines.append(Parsed(row=where, values=_strings(row, LINE_FIELDS)))
    if problems:
        raise ImportFailed(problems)
    parsed.subscriptions, parsed.orders = list(subscriptions.values()), list(orders.values())
    return parsed


def orders_file_read(*, path: Path) -> ParsedFile:
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise ImportFailed([ImportProblem("file", "name", "the file must end in .csv or .json")])
    if suffix == ".json":
        parsed = _read_json(file_text(path=path, where="line"))
    else:
        parsed = _read_csv(file_text(path=path, where="row"))
    problems = []
    for entry in parsed.subscriptions + parsed.orders + parsed.usage:
        problems += nul_problems(row=entry.row, values=entry.values)
        for line in entry.lines:
            problems += nul_problems(row=line.row, values=line.values)
    if problems:
        raise ImportFailed(problems)
    return parsed
