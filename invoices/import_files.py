"""Reading an invoice file from the billing system (CSV or JSON, format in invoices/IMPORT_FORMAT.md)
into parsed rows; invoices/importing.py validates them and writes the invoices."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError

INVOICE_FIELDS = [
    "number",
    "customer_number",
    "kind",
    "issue_date",
    "payment_terms_days",
    "due_date",
    "currency",
    "po_number",
    "language",
    "state",
    "total",
]
LINE_FIELDS = [
    "order_number",
    "description",
    "product",
    "product_code",
    "quantity",
    "unit_price",
    "amount",
    "tax",
    "service_start",
    "service_end",
    "rewards_eligible",
]
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
TRUE_VALUES = {"1", "true", "yes", "y", "oui"}
FALSE_VALUES = {"", "0", "false", "no", "n", "non"}


@dataclass(frozen=True)
class ImportProblem:
    row: str  # "row 7" in a CSV (the header is row 1), "invoice 2, line 3" in JSON
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}, {self.field}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ParsedLine:
    row: str
    values: dict


@dataclass
class ParsedInvoice:
    row: str
    values: dict
    lines: list[ParsedLine] = field(default_factory=list)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# --- reading the file -----------------------------------------------------------------------------


def _text_lines(path: Path) -> Iterator[str]:
    """The file's lines decoded one at a time (memory flat with its size); ImportFailed naming the line of
    the first non-UTF-8 byte. A UTF-8 byte order mark is dropped."""
    with path.open("rb") as file:
        for line_number, raw in enumerate(file, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                message = f"not UTF-8 text (byte 0x{raw[error.start]:02x}): save the file as UTF-8"
                raise ImportFailed([ImportProblem(f"row {line_number}", "file", message)]) from None
            yield text.removeprefix("\ufeff") if line_number == 1 else text


def _read_csv(path: Path, problems: list[ImportProblem]) -> Iterator[ParsedInvoice]:
    """One row per invoice line; the invoice columns repeat on each line of the same invoice, on consecutive
    rows. Invoices are yielded one at a time as the file is read; problems are appended to `problems`."""
    reader = csv.DictReader(_text_lines(path))
    missing = {"number", "customer_number"} - set(reader.fieldnames or [])
    if missing:
        raise ImportFailed(
            [ImportProblem("row 1", name, "column missing from the header") for name in sorted(missing)]
        )
    current: ParsedInvoice | None = None
    row_number = 1
    while True:
        try:
            row = next(reader, None)
        except (
            csv.Error
        ) as error:  # a field over csv's limit (128 KiB); reader.reader counts lines read so far
            raise ImportFailed(
                [
                    *problems,
                    ImportProblem(f"row {reader.reader.line_num}", "file", f"unreadable CSV: {error}"),
                ]
            ) from None
        if row is None:
            break
        row_number += 1
        row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        where = f"row {row_number}"
        values = {name: row.get(name, "") for name in INVOICE_FIELDS}
        if current is not None and values["number"] == current.values["number"]:
            for name in INVOICE_FIELDS:
                if values[name] != current.values[name]:
                    problems.append(
                        ImportProblem(where, name, f"differs from {current.row} of the same invoice")
                    )
        else:
            if current is not None:
                yield current
            current = ParsedInvoice(row=where, values=values)
        current.lines.append(ParsedLine(row=where, values={name: row.get(name, "") for name in LINE_FIELDS}))
    if current is not None:
        yield current


T = TypeVar("T")


def json_load(text: str) -> Any:
    """The file's JSON, or ImportFailed naming the line where it breaks (shared by every JSON import)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [ImportProblem(f"line {error.lineno}", "file", f"invalid JSON: {error.msg}")]
        ) from None
    except (ValueError, RecursionError) as error:  # a 5 000-digit number, lists nested a thousand deep
        raise ImportFailed([ImportProblem("file", "file", f"unreadable JSON: {error}")]) from None


def _read_json(text: str) -> Iterator[ParsedInvoice]:
    data = json_load(text)
    items = data.get("invoices") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ImportFailed([ImportProblem("file", "invoices", "expected a list of invoices")])
    for index, item in enumerate(items, start=1):
        where = f"invoice {index}"
        if not isinstance(item, dict):
            raise ImportFailed([ImportProblem(where, "invoice", "expected an object")])
        lines = item.get("lines") or []
        invoice = ParsedInvoice(
            row=where,
            values={
                name: "" if item.get(name) is None else str(item[name]).strip() for name in INVOICE_FIELDS
            },
        )
        for line_index, line in enumerate(lines if isinstance(lines, list) else [], start=1):
            line = line if isinstance(line, dict) else {}
            invoice.lines.append(
                ParsedLine(
                    row=f"{where}, line {line_index}",
                    values={
                        name: "" if line.get(name) is None else str(line[name]).strip()
                        for name in LINE_FIELDS
                    },
                )
            )
        yield invoice


def file_text(*, path: Path, where: str) -> str:
    """The file as text, or ImportFailed naming the row (where="row": CSV) or line of its first non-UTF-8 byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}): save the file as UTF-8"
        raise ImportFailed([ImportProblem(f"{where} {line}", "file", message)]) from None


def nul_problems(*, row: str, values: dict[str, str]) -> list[ImportProblem]:
    """PostgreSQL text can't hold NUL (0x00): refuse it here rather than fail in the database."""
    return [
        ImportProblem(row, name, "contains a NUL character")
        for name, value in values.items()
        if "\x00" in value
    ]


def invoices_read(*, path: Path, problems: list[ImportProblem]) -> Iterator[ParsedInvoice]:
    """The file's invoices one at a time, read as a stream (a CSV is never held whole in memory). Problems
    of reading (a row that differs from its invoice's first row, a NUL character) are appended to
    `problems`, and an invoice with a NUL character is not yielded; a file that cannot be read at all
    raises ImportFailed."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise ImportFailed([ImportProblem("file", "name", "the file must end in .csv or .json")])
    if suffix == ".json":
        parsed = _read_json(file_text(path=path, where="line"))
    else:
        parsed = _read_csv(path, problems)
    for invoice in parsed:
        nul = nul_problems(row=invoice.row, values=invoice.values)
        for line in invoice.lines:
            nul += nul_problems(row=line.row, values=line.values)
        if nul:
            problems += nul
            continue
        yield invoice


# --- validating -------------------------------------------------------------------------------------


def import_command_run(command: BaseCommand, run: Callable[[], T]) -> T:
    """A management command's import: every problem on stderr, then a CommandError saying nothing was kept."""
    try:
        return run()
    except ImportFailed as failure:
        for problem in failure.problems:
            command.stderr.write(str(problem))
        raise CommandError(f"{len(failure.problems)} problem(s): nothing was imported.") from failure
