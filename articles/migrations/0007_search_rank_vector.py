"""
PostgreSQL: a small second tsvector (headline, summary, tags, names) for ranking, so
that ordering many matches never reads the large body vectors.
"""

from django.db import migrations


def add_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE articles_story_search "
        "ADD COLUMN rank_vector tsvector NOT NULL DEFAULT ''"
    )

    from articles.search import index as search_index

    search_index.rebuild_index(conn=schema_editor.connection, apps=apps)


def drop_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_story_search DROP COLUMN rank_vector"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_sourcefeed_category"),
    ]

    operations = [
        migrations.RunPython(add_rank_vector, drop_rank_vector),
    ]
