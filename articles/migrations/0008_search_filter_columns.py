"""
PostgreSQL: copy the columns a reader's search filters on into the search table, so
that a search reads one narrow table; long values move out of line (TOAST) to keep
its rows small. The story row stays the authority on what a reader may see.
"""

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE articles_story_search "
    "ADD COLUMN language varchar(2) NOT NULL DEFAULT '', "
    "ADD COLUMN status varchar(20) NOT NULL DEFAULT '', "
    "ADD COLUMN published_at timestamp with time zone NULL, "
    "ADD COLUMN category_id bigint NULL, "
    "ADD COLUMN source_id bigint NULL",
    "ALTER TABLE articles_story_search SET (toast_tuple_target = 128)",
]
POSTGRESQL_DROP = [
    "ALTER TABLE articles_story_search RESET (toast_tuple_target)",
    "ALTER TABLE articles_story_search "
    "DROP COLUMN language, DROP COLUMN status, DROP COLUMN published_at, "
    "DROP COLUMN category_id, DROP COLUMN source_id",
]


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRESQL:
        schema_editor.execute(sql)

    from articles.search import index as search_index

    search_index.rebuild_index(conn=schema_editor.connection, apps=apps)


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_rank_vector"),
    ]

    operations = [
        migrations.RunPython(add_columns, drop_columns),
    ]
