"""The help center: articles by topic, search, one article; the assistant's form on the same page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from support.help.render import article_shown, configured_numbers, fill
from support.help.search import article_search
from support.help.selectors import help_article, help_articles, help_articles_by_slug

MAX_QUERY_CHARS = 200


def _numbers(request) -> dict[str, str]:
    account = getattr(request, "account", None)
    return configured_numbers(currency=account.currency if account else "USD")


@login_required
@require_GET
def help_center(request):
    language = translation.get_language() or "en"
    numbers = _numbers(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    results = []
    if query:
        hits = article_search(text=query, limit=5)
        found = help_articles_by_slug(slugs=[hit.slug for hit in hits], language=language)
        results = [article_shown(found[hit.slug], numbers) for hit in hits if hit.slug in found]
    topics = [
        (label, [article_shown(article, numbers) for article in articles])
        for label, articles in help_articles(language=language)
    ]
    context = {
        "query": query,
        "results": results,
        "topics": topics,
        "support_email": numbers["support_email"],
    }
    return render(request, "support/help/index.html", context)


@login_required
@require_GET
def help_article_page(request, slug: str):
    language = translation.get_language() or "en"
    article = help_article(slug=slug, language=language)
    if article is None:
        raise Http404
    numbers = _numbers(request)
    shown = article_shown(article, numbers)
    related = [
        article_shown(other, numbers)
        for other in help_articles_by_slug(
            slugs=[hit.slug for hit in article_search(text=f"{article.title} {article.keywords}", limit=4)],
            language=language,
        ).values()
        if other.slug != slug
    ][:3]
    return render(
        request,
        "support/help/article.html",
        {"article": shown, "related": related, "title": fill(article.title, numbers)},
    )
