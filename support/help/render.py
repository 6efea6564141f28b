"""Showing an article: configured numbers put in its placeholders, paragraphs and lists as HTML."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.business_days import transfer_business_days
from core.money import format_money
from payments.policy import card_thresholds
from rewards.eligibility import RATE_STANDARD, RATE_WITH_ULA, VALIDITY_MONTHS
from support.help.models import HelpArticle


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _percent(rate) -> str:
    return f"{(rate * 100).normalize():f}"


def configured_numbers(*, currency: str = "USD") -> dict[str, str]:
    """The numbers articles state, from the same settings and tables the pages and the policy read."""
    card = card_thresholds(currency=currency) or card_thresholds(currency="USD")
    arrival, closing = transfer_business_days()
    numbers = {
        "transfer_days": str(arrival),
        "closing_days": str(closing),
        "total_days": str(arrival + closing),
        "rewards_rate": _percent(RATE_STANDARD),
        "rewards_rate_ula": _percent(RATE_WITH_ULA),
        "rewards_validity_months": str(VALIDITY_MONTHS),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
    }
    if card:
        numbers["card_limit"] = format_money(card.max_amount, card.currency)
        numbers["card_only_below"] = format_money(card.card_only_below, card.currency)
    return numbers


def fill(text: str, numbers: dict[str, str]) -> str:
    return text.format_map(_Missing(numbers))


def body_html(text: str) -> SafeString:
    """Paragraphs separated by a blank line; consecutive "- " lines make a list. Everything escaped."""
    parts = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        items = [line[2:] for line in lines if line.startswith("- ")]
        prose = [line for line in lines if not line.startswith("- ")]
        if prose:
            parts.append(f"<p>{escape(' '.join(prose))}</p>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
    return mark_safe("\n".join(parts))  # noqa: S308 — every piece escaped above


@dataclass(frozen=True)
class ShownArticle:
    slug: str
    topic: str
    language: str
    title: str
    summary: str
    body: SafeString


def article_shown(article: HelpArticle, numbers: dict[str, str]) -> ShownArticle:
    return ShownArticle(
        slug=article.slug,
        topic=article.topic,
        language=article.language,
        title=fill(article.title, numbers),
        summary=fill(article.summary, numbers),
        body=body_html(fill(article.body, numbers)),
    )
