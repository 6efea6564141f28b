"""Help-article search: PostgreSQL full-text search in French and English, plus trigram similarity for typos.

A chat question is not a search-box query: "quand expirent mes récompenses" must find the expiry article
although "quand" and "mes" are in no title. So any word may match (an OR of the words, each ranked on
its own and weighted by its rarity, see article_search); each language's articles are read with their own
configuration (fr_unaccent, en_unaccent: accents folded, then stemmed). Typed words that match no lexeme
("recompences", "expirtion") still count through pg_trgm's word similarity against the title and keywords.
One article (slug) is one answer whatever the language it matched in; the caller shows it in the user's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Func, Value
from django.db.models.functions import Concat

from support.assistant.text import WORD, fold, mend
from support.help.content import article_words
from support.help.models import SEARCH_CONFIGURATIONS, HelpArticle

TRIGRAM_MIN = 0.6  # a typed word counts as a (mistyped) keyword from this word similarity on
TRIGRAM_WEIGHT = 0.5  # × similarity: what a mistyped word adds (a title word's rank × rarity is ~0.1-1)
MIN_SCORE = 0.05
NORMALIZATION = 1  # the rank divided by 1 + log(length): a long article does not win on length alone
STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "is",
        "are",
        "do",
        "does",
        "i",
        "my",
        "our",
        "we",
        "you",
        "your",
        "it",
        "in",
        "on",
        "for",
        "and",
        "or",
        "what",
        "how",
        "why",
        "when",
        "can",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "je",
        "j",
        "mes",
        "mon",
        "ma",
        "nos",
        "notre",
        "est",
        "et",
        "ou",
        "que",
        "qui",
        "quoi",
        "quand",
        "comment",
        "pourquoi",
        "il",
        "elle",
        "en",
        "a",
        "au",
        "aux",
        "pour",
        "par",
        "sur",
        "ce",
        "c",
        "d",
        "l",
        "s",
        "t",
    ]  # noqa: SIM905
)


@dataclass(frozen=True)
class ArticleHit:
    slug: str
    score: float


@cache
def search_features() -> tuple[bool, bool]:
    """(unaccent installed, pg_trgm installed): the embedded development PostgreSQL has neither."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')")
        names = {row[0] for row in cursor.fetchall()}
    return "unaccent" in names, "pg_trgm" in names


def query_words(text: str) -> list[str]:
    """The words worth searching, a typo mended to the nearest word of the articles ("frequncy")."""
    known = article_words()
    words = [mend(word, known) for word in WORD.findall(fold(text)) if word not in STOP and len(word) > 1]
    return list(dict.fromkeys(words))[:16]


def article_search(*, text: str, limit: int = 3) -> list[ArticleHit]:
    """The published articles that best answer `text`, best first (one hit per slug).

    Any word may match (an OR query): each word's full-text rank counts, weighted by how rare the word is
    among the articles (PostgreSQL's ranks know no rarity, and "récompenses" is in every rewards article:
    "calculées" must decide). A word the full-text index knows nowhere is taken for a typo and counts by
    its trigram word similarity to titles and keywords instead.
    """
    words = query_words(text)
    if not words:
        return []
    has_unaccent, has_trigram = search_features()
    best: dict[str, float] = {}
    for language, config in SEARCH_CONFIGURATIONS.items():
        articles = HelpArticle.objects.filter(language=language, is_published=True)
        annotations: dict[str, Any] = {}
        for index, word in enumerate(words):
            query = SearchQuery(word, config=config, search_type="plain")
            annotations[f"rank_{index}"] = SearchRank(
                F("search_vector"), query, normalization=Value(NORMALIZATION)
            )
            if has_trigram and len(word) >= 5:
                searched: Func = Concat("title", Value(" "), "keywords")
                if has_unaccent:
                    searched = Func(searched, function="unaccent")
                annotations[f"trigram_{index}"] = TrigramWordSimilarity(
                    word, Func(searched, function="lower")
                )
        rows = list(articles.annotate(**annotations).values("slug", *annotations))
        if not rows:
            continue
        scores = dict.fromkeys((row["slug"] for row in rows), 0.0)
        for index in range(len(words)):
            ranks = [(row["slug"], row[f"rank_{index}"] or 0.0) for row in rows]
            found_in = sum(1 for _slug, rank in ranks if rank > 0)
            if found_in:
                rarity = math.log((len(rows) + 1) / (found_in + 0.5))
                for slug, rank in ranks:
                    scores[slug] += rank * rarity
            elif f"trigram_{index}" in annotations:
                for row in rows:
                    similarity = row[f"trigram_{index}"] or 0.0
                    if similarity >= TRIGRAM_MIN:
                        scores[row["slug"]] += TRIGRAM_WEIGHT * similarity
        for slug, score in scores.items():
            best[slug] = max(best.get(slug, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    return [ArticleHit(slug=slug, score=round(score, 4)) for slug, score in ranked if score >= MIN_SCORE][
        :limit
    ]
