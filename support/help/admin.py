"""Staff edit the help articles (each save re-indexes the article for search)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from support.help.models import HelpArticle


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "language", "topic", "position", "is_published", "updated_at")
    list_filter = ("language", "topic", "is_published")
    search_fields = ("title", "summary", "body", "keywords", "slug")
    ordering = ("topic", "position", "slug", "language")
    readonly_fields = ("updated_at", "page")
    fields = (
        "slug",
        "language",
        "topic",
        "position",
        "title",
        "summary",
        "body",
        "keywords",
        "is_published",
        "page",
        "updated_at",
    )

    @admin.display(description=_("page"))
    def page(self, obj: HelpArticle) -> str:
        if not obj.pk:
            return "—"
        url = reverse("help_article", args=[obj.slug])
        return format_html('<a href="{}">{}</a>', url, url)
