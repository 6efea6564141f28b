"""Reads of the help center: articles in the reader's language (the other language when one is missing)."""

from __future__ import annotations

from collections.abc import Iterable

from support.help.models import HelpArticle, HelpTopic


def _preferred(articles: Iterable[HelpArticle], language: str) -> dict[str, HelpArticle]:
    chosen: dict[str, HelpArticle] = {}
    for article in articles:
        if article.slug not in chosen or article.language == language:
            chosen[article.slug] = article
    return chosen


def help_articles(*, language: str) -> list[tuple[str, list[HelpArticle]]]:
    """(topic label, its articles in order) for every topic with a published article."""
    chosen = _preferred(HelpArticle.objects.filter(is_published=True), language)
    topics = []
    for topic in HelpTopic:
        in_topic = sorted(
            (a for a in chosen.values() if a.topic == topic.value), key=lambda a: (a.position, a.slug)
        )
        if in_topic:
            topics.append((str(topic.label), in_topic))
    return topics


def help_article(*, slug: str, language: str) -> HelpArticle | None:
    return _preferred(HelpArticle.objects.filter(slug=slug, is_published=True), language).get(slug)


def help_articles_by_slug(*, slugs: Iterable[str], language: str) -> dict[str, HelpArticle]:
    return _preferred(HelpArticle.objects.filter(slug__in=list(slugs), is_published=True), language)
