"""Writes of the help center: the articles of support/help/content loaded where they are missing."""

from __future__ import annotations

from support.help.content import all_articles
from support.help.models import HelpArticle


def help_articles_ensure() -> int:
    """Create the articles of the content modules that do not exist (never overwrites staff's edits); returns
    how many were created. Migration 0004 did it once; tests that flush the database call it again."""
    created = 0
    for source in all_articles():
        for language, text in (("en", source.en), ("fr", source.fr)):
            _article, made = HelpArticle.objects.get_or_create(
                slug=source.slug,
                language=language,
                defaults={
                    "topic": source.topic,
                    "position": source.position,
                    "title": text.title,
                    "summary": text.summary,
                    "body": text.body,
                    "keywords": text.keywords,
                },
            )  # save() indexes it for search
            created += made
    return created
