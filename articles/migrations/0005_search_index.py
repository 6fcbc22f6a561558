"""
The search index: an FTS5 table on SQLite, a tsvector table with GIN and trigram
indexes on PostgreSQL. Neither is a Django model; articles.search writes both.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE articles_story_search USING fts5("
    "headline, dek, body, meta, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS articles_story_search"]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE articles_story_search ("
    " story_id bigint PRIMARY KEY,"
    " headline text NOT NULL DEFAULT '',"
    " vector tsvector NOT NULL)",
    "CREATE INDEX articles_story_search_vector ON articles_story_search "
    "USING gin (vector)",
    "CREATE INDEX articles_story_search_trgm ON articles_story_search "
    "USING gin (headline gin_trgm_ops)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS articles_story_search"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:
        return

    from articles.search import index as search_index

    search_index.rebuild_index(conn=schema_editor.connection, apps=apps)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_story_notes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
