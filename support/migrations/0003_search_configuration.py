"""Full-text search of the help articles: unaccent and pg_trgm, and two text search configurations that
fold accents before stemming (fr_unaccent: French stemmer, en_unaccent: English stemmer).

A PostgreSQL without the contrib extensions (the embedded development server) still gets both
configurations, without accent folding; search then skips trigram similarity (support.help.search).
"""

from django.db import migrations

CONFIGURATIONS = {"fr_unaccent": ("french", "french_stem"), "en_unaccent": ("english", "english_stem")}


def _available(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
    return cursor.fetchone() is not None


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        unaccent = _available(cursor, "unaccent")
        for extension in ("unaccent", "pg_trgm"):
            if _available(cursor, extension):
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        for name, (parser_copy, stemmer) in CONFIGURATIONS.items():
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [name])
            if cursor.fetchone():
                continue
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{parser_copy})")
            dictionaries = f"unaccent, {stemmer}" if unaccent else stemmer
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} "
                f"ALTER MAPPING FOR hword, hword_part, word WITH {dictionaries}"
            )


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in CONFIGURATIONS:
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("support", "0002_help_and_assistant")]

    operations = [migrations.RunPython(create, drop)]
