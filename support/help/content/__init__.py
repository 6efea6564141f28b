"""The help center's articles, in French and English, written as data (loaded by a migration, then edited by
staff in the admin). Numbers that come from the configuration are placeholders, filled when a page shows
the article (support.help.render): {card_limit}, {card_only_below}, {transfer_days}, {closing_days},
{total_days}, {rewards_rate}, {rewards_rate_ula}, {rewards_validity_months}."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


def french(text: str) -> str:
    """French typography: a narrow no-break space (U+202F) before : ; ? ! (written with a plain space)."""
    for mark in ":;?!":
        text = text.replace(f" {mark}", f"\u202f{mark}")
    return text


@dataclass(frozen=True)
class ArticleText:
    title: str
    summary: str
    body: str  # paragraphs separated by a blank line; a line starting with "- " is a list item
    keywords: str = ""  # extra words people type, searched but not shown


@dataclass(frozen=True)
class ArticleSource:
    slug: str
    topic: str
    position: int
    en: ArticleText
    fr: ArticleText


@cache
def article_words() -> frozenset[str]:
    """Every word of the articles, folded: correct words the assistant never takes for typos."""
    from support.assistant.text import WORD, fold

    words: set[str] = set()
    for article in all_articles():
        for text in (article.en, article.fr):
            words.update(WORD.findall(fold(" ".join((text.title, text.summary, text.body, text.keywords)))))
    return frozenset(words)


def all_articles() -> list[ArticleSource]:
    from support.help.content import account, invoices, orders, paying, requests, rewards

    return [
        *paying.ARTICLES,
        *invoices.ARTICLES,
        *orders.ARTICLES,
        *rewards.ARTICLES,
        *account.ARTICLES,
        *requests.ARTICLES,
    ]
