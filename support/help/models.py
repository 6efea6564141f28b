"""Help articles: one row per article and language, written as data (migration) and edited by staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext_lazy as _


class HelpTopic(models.TextChoices):
    PAYING = "paying", _("Paying")
    INVOICES = "invoices", _("Invoices")
    ORDERS = "orders", _("Orders and billing plans")
    REWARDS = "rewards", _("Support Rewards")
    ACCOUNT = "account", _("Access and team")
    REQUESTS = "requests", _("Disputes and requests")


class HelpArticle(models.Model):
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("The same in every language of the article.")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    topic = models.CharField(_("topic"), max_length=20, choices=HelpTopic.choices)
    position = models.PositiveSmallIntegerField(_("position in its topic"), default=100)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs separated by a blank line; a line starting with “- ” is a list item. Placeholders "
            "filled from the configuration: {card_limit}, {card_only_below}, {transfer_days}, "
            "{closing_days}, {total_days}, {rewards_rate}, {rewards_rate_ula}, {rewards_validity_months}."
        ),
    )
    keywords = models.CharField(
        _("search keywords"),
        max_length=600,
        blank=True,
        help_text=_("Words people type; searched, never shown."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Title and keywords (A), summary (B), text (C) in the article's language configuration; rewritten on
    # every save (article_index_vector), so a search reads an index instead of parsing every article.
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        app_label = "support"
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["topic", "position", "slug", "language"]
        indexes = [GinIndex(fields=["search_vector"], name="help_article_search")]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "language"],
                name="help_article_one_per_language",
                violation_error_message=_("This article already exists in this language."),
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="help_article_language_known",
                violation_error_message=_("Articles are written in French or English."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        HelpArticle.objects.filter(pk=self.pk).update(search_vector=article_vector(self.language))


SEARCH_CONFIGURATIONS = {"fr": "fr_unaccent", "en": "en_unaccent"}  # made by migration support 0002


def article_vector(language: str) -> CombinedExpression:
    config = SEARCH_CONFIGURATIONS[language]
    return (
        SearchVector("title", config=config, weight="A")
        + SearchVector("keywords", config=config, weight="A")
        + SearchVector("summary", config=config, weight="B")
        + SearchVector("body", config=config, weight="C")
    )
