"""What the assistant says: a template filled with exact figures, links to the pages that show them.

Nothing is generated: every sentence is a translatable string of the intents modules, filled from the
same selectors the pages use. `figures` keeps the raw values named in the text (Decimal, date, str) so
that the question set can check them exactly, whatever the locale's formatting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format

from accounts.models import CustomerAccount, User
from core.money import format_money


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    method: str = "get"  # "post": a button that acts (files a request), not a plain link

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url, "method": self.method}


@dataclass
class Answer:
    intent: str
    text: str
    items: list[str] = field(default_factory=list)  # shown as a list under the text
    links: list[Link] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    article_slug: str = ""
    form_url: str = ""  # a request form, pre-filled: where a person is needed

    def figure_values(self) -> set[str]:
        """Every figure as the question set writes it: amounts with their cents, dates ISO, text as is."""
        values: set[str] = set()
        for value in self.figures.values():
            for one in value if isinstance(value, list | tuple) else [value]:
                if isinstance(one, Decimal):
                    values.add(f"{one:.2f}")
                elif isinstance(one, datetime.date):
                    values.add(one.isoformat())
                elif one is not None:
                    values.add(str(one))
        return values

    def plain_text(self) -> str:
        return "\n".join([self.text, *(f"- {item}" for item in self.items)])


@dataclass(frozen=True)
class Asker:
    """Who asks, on which account, in which language, on which day (the clock is read once)."""

    user: User
    account: CustomerAccount
    language: str
    today: datetime.date

    def may(self, permission: str) -> bool:
        return self.user.has_perm(permission, self.account)


def money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")
