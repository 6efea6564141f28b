"""Column widths of the invoice PDF's lines table, so that WeasyPrint lays it out with `table-layout: fixed`.

With the automatic layout WeasyPrint measures the min- and max-content width of every cell of a long table
before it places the first row (a third of a 10-page invoice's render time). Here the widths the automatic
layout gives are worked out from the strings themselves (advance widths of DejaVu Sans, the PDF's font,
rounded up): each column's widest value on one line, scaled up together to the table's width as CSS's
automatic layout does; when they don't fit, the description wraps and the other columns keep their width.
"""

from __future__ import annotations

from collections.abc import Iterable

MM_PER_PT = 25.4 / 72
CELL_PADDING_MM = 2.0  # td and th: 1mm left + 1mm right (templates/invoices/pdf/invoice.html)
SAFETY_MM = 1.0
BODY_PT = 8.5
HEADER_PT = 7.5
PERIOD_MAX_MM = 50.0  # past this a service period wraps (the description keeps room)
TABLE_MM = 174.0  # the lines table: A4 less the page margins (178 mm), less a margin of safety
DESCRIPTION_MIN_MM = 40.0

# DejaVu Sans advance widths in em (units per em 2048), the characters money, quantities and dates are made of.
_EM = {
    **dict.fromkeys("0123456789$€£¥#%+", 0.637),
    **dict.fromkeys(".,:;' \u00a0\u202f\u2009", 0.318),
    "/": 0.337,
    "-": 0.361,
    "–": 0.5,
    "(": 0.39,
    ")": 0.39,
}
_UPPER_EM = 0.77  # W and M are wider, I narrower: an upper bound for a few capitals (currency codes)
_LOWER_EM = 0.63
_OTHER_EM = 0.8


def text_width_mm(text: str, *, size_pt: float) -> float:
    em = 0.0
    for char in text:
        if char in _EM:
            em += _EM[char]
        elif char.isupper():
            em += _UPPER_EM
        elif char.islower():
            em += _LOWER_EM
        else:
            em += _OTHER_EM
    return em * size_pt * MM_PER_PT


def column_width_mm(*, header: str, values: Iterable[str]) -> float:
    """The width a column needs to show its header and each of its values on one line."""
    widest = max(
        [text_width_mm(header, size_pt=HEADER_PT)]
        + [text_width_mm(value, size_pt=BODY_PT) for value in values]
    )
    return round(widest + CELL_PADDING_MM + SAFETY_MM, 1)


def css_widths(widths_mm: list[float], *, period_wrapped_mm: float) -> list[str]:
    """Each column's width, in mm, the columns together as wide as the table: `widths_mm` is what each column needs on one line (description,
    period, quantity, unit price, amount, tax). When they don't fit, the service period wraps after its dash
    first, then the description takes what is left (as the automatic layout shrinks the widest text first)."""
    description, period, *amounts = widths_mm
    if sum(widths_mm) > TABLE_MM:
        period = min(period, max(period_wrapped_mm, TABLE_MM - description - sum(amounts)))
        description = max(TABLE_MM - period - sum(amounts), DESCRIPTION_MIN_MM)
    columns = (description, period, *amounts)
    total = sum(columns)
    # Lengths, not percentages: WeasyPrint resolves a percentage again for every cell of every row.
    # Strings, not numbers for the template: French localization would print "12,5".
    return [f"{TABLE_MM * width / total:.2f}mm" for width in columns]
