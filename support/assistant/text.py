"""What a chat message says, read without a model: normalized words (lower case, no accents, typos mended
against the assistant's own vocabulary) and the numbers it names (INV-…, ORD-…, amounts, dates)."""

from __future__ import annotations

import contextlib
import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

WORD = re.compile(r"[a-z0-9]+")
# "INV-US-1002", "inv us 1002", "inv-t100000"; "ORD-55012", "ord 55012", "commande 55012" is read below.
INVOICE_NUMBER = re.compile(r"\binv(?:[\s_-]*[a-z]{1,3})?[\s_-]*\d{3,}\b")
ORDER_NUMBER = re.compile(r"\bord(?:[-_][a-z0-9]+)+\b|\bord\s*\d{3,}\b")  # ORD-55012, ord 55012, ORD-AC-3Y
# 1 353,56 · 1,353.56 · 1353.56 · 2000 · $1,353.56 · 1 353,56 € (the currency is not needed to match)
AMOUNT = re.compile(
    r"(?<![\w.,-])(?:[$€£]\s?)?(\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?:\s?(?:[$€£]|usd|eur|gbp|dollars?|euros?))?(?![\w-])"
)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
SLASH_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
MONTHS = {
    "janvier": 1, "january": 1, "jan": 1, "fevrier": 2, "february": 2, "feb": 2, "fev": 2, "mars": 3,
    "march": 3, "mar": 3, "avril": 4, "april": 4, "apr": 4, "avr": 4, "mai": 5, "may": 5, "juin": 6,
    "june": 6, "jun": 6, "juillet": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8, "septembre": 9,
    "september": 9, "sep": 9, "sept": 9, "octobre": 10, "october": 10, "oct": 10, "novembre": 11,
    "november": 11, "nov": 11, "decembre": 12, "december": 12, "dec": 12,
}  # fmt: skip
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er)?\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?\b")
MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
RELATIVE_DAYS = {"today": 0, "aujourd": 0, "yesterday": 1, "hier": 1}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes as spaces: "Qu'est-ce" → "qu est-ce"."""
    return strip_accents(text).casefold().replace("'", " ").replace("\u2019", " ")


def number_key(number: str) -> str:
    """An invoice or order number reduced to letters and digits: "inv us 1002" and "INV-US-1002" agree."""
    return re.sub(r"[^A-Z0-9]", "", number.upper())


@dataclass(frozen=True)
class Reading:
    raw: str
    text: str  # folded, numbers kept, typos mended: what the rules read
    words: tuple[str, ...]
    invoice_numbers: tuple[str, ...] = ()  # as typed, folded ("inv-us-1002"): matched by number_key
    order_numbers: tuple[str, ...] = ()
    amounts: tuple[Decimal, ...] = ()
    dates: tuple[datetime.date, ...] = ()
    bare_numbers: tuple[str, ...] = ()  # "facture 1002": a number that may end an invoice or order number
    mended: dict[str, str] = field(default_factory=dict)  # typo → word

    def has(self, *words: str) -> bool:
        return any(word in self.words for word in words)


def _amount(text: str) -> Decimal | None:
    digits = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", digits):  # 2,000 or 2.000: a thousands separator
        digits = re.sub(r"[,.]", "", digits)
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d{1,2}", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d{1,2}", digits):
        digits = digits.replace(".", "").replace(",", ".")
    else:
        digits = digits.replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _dates(text: str, today: datetime.date) -> list[datetime.date]:
    found: list[datetime.date] = []

    def add(year: int, month: int, day: int) -> None:
        with contextlib.suppress(ValueError):  # 31/02: not a date
            found.append(datetime.date(year, month, day))

    for year, month, day in ISO_DATE.findall(text):
        add(int(year), int(month), int(day))
    for day, month, year in SLASH_DATE.findall(text):
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        add(full_year, int(month), int(day))
    for day, month, year in DAY_MONTH.findall(text):
        if month in MONTHS:
            add(int(year) if year else today.year, MONTHS[month], int(day))
    for month, day, year in MONTH_DAY.findall(text):
        if month in MONTHS:
            add(int(year) if year else today.year, MONTHS[month], int(day))
    for word, days_back in RELATIVE_DAYS.items():
        if re.search(rf"\b{word}", text):
            found.append(today - datetime.timedelta(days=days_back))
    return list(dict.fromkeys(found))


def _drop_month(match: re.Match[str]) -> str:
    """Blank a "12 mars" / "nov 3" date so that its day is not read as an amount."""
    return " " if any(part in MONTHS for part in match.groups() if part) else match.group(0)


@lru_cache(maxsize=8192)
def _mend(word: str, vocabulary: frozenset[str], known: frozenset[str]) -> str:
    if word in vocabulary or word in known or len(word) < 4 or word.isdigit():
        return word
    close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8)
    return close[0] if close else word


def mend(word: str, vocabulary: frozenset[str]) -> str:
    """`word`, or the word of `vocabulary` it is a typo of (difflib ratio ≥ 0.8; 4+ letters only)."""
    return _mend(word, vocabulary, frozenset())


def read(
    message: str,
    *,
    vocabulary: frozenset[str] = frozenset(),
    known: frozenset[str] = frozenset(),
    today: datetime.date | None = None,
) -> Reading:
    """`vocabulary`: the words a typo may be mended to; `known`: correct words that are left alone."""
    today = today or datetime.date.today()  # noqa: DTZ011 — callers pass the local date
    text = fold(message)
    invoices = [match.group(0) for match in INVOICE_NUMBER.finditer(text)]
    orders = [match.group(0) for match in ORDER_NUMBER.finditer(text)]
    rest = ORDER_NUMBER.sub(" ", INVOICE_NUMBER.sub(" ", text))
    dates = _dates(rest, today)
    without_dates = SLASH_DATE.sub(" ", ISO_DATE.sub(" ", rest))
    without_dates = DAY_MONTH.sub(_drop_month, MONTH_DAY.sub(_drop_month, without_dates))
    amounts = []
    bare = []
    for match in AMOUNT.finditer(without_dates):
        value = _amount(match.group(1))
        if value is None:
            continue
        whole = match.group(0)
        if re.fullmatch(r"\d{3,}", whole.strip()) and not re.search(r"[$€£]|usd|eur|dollar", whole):
            bare.append(whole.strip())
        amounts.append(value)
    words = WORD.findall(rest)
    mended = {}
    if vocabulary:
        corrected = []
        for word in words:
            fixed = _mend(word, vocabulary, known)
            if fixed != word:
                mended[word] = fixed
            corrected.append(fixed)
        words = corrected
    return Reading(
        raw=message,
        text=" ".join(words),
        words=tuple(words),
        invoice_numbers=tuple(dict.fromkeys(invoices)),
        order_numbers=tuple(dict.fromkeys(orders)),
        amounts=tuple(amounts),
        dates=tuple(dates),
        bare_numbers=tuple(dict.fromkeys(bare)),
        mended=mended,
    )
