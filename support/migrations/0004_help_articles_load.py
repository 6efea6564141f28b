"""The help center's articles, French and English (support/help/content/), loaded once; staff edit them
in the admin afterwards, so this never overwrites an article that exists."""

from django.db import migrations


def load(apps, schema_editor):
    from support.help.content import all_articles

    from support.help.models import article_vector

    HelpArticle = apps.get_model("support", "HelpArticle")
    for source in all_articles():
        for language, text in (("en", source.en), ("fr", source.fr)):
            HelpArticle.objects.get_or_create(
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
            )
    for language in ("en", "fr"):  # the historical model has no save() hook: index in one update
        HelpArticle.objects.filter(language=language).update(search_vector=article_vector(language))


def unload(apps, schema_editor):
    from support.help.content import all_articles

    HelpArticle = apps.get_model("support", "HelpArticle")
    HelpArticle.objects.filter(slug__in=[source.slug for source in all_articles()]).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0003_search_configuration")]

    operations = [migrations.RunPython(load, unload)]
