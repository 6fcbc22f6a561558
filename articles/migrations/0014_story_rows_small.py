"""Keep a story's row small on PostgreSQL: its body in it, its plain text out.

A story row holds its body twice, the sanitised HTML and the plain text (for
search, for matching duplicates, and for a summary when a story has no dek).
Together 4 KB for a short story, over the 2 KB at which PostgreSQL moves long
values out of the row into the table's TOAST table: the story page then read
the TOAST index's pages and the chunks' besides the row's own, and on the long
tail, where those pages come from disk, that was most of a story page's time.

The plain text is now always kept out of the row, uncompressed (so that the
start of it is read without the rest), and the body is compressed in the row
and moved out only when it does not fit even then: a short story's page reads
its row alone, and rows are small enough that many share a page. The rows
already stored are written again in the new layout.
"""

from django.db import migrations


def keep_rows_small(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE articles_story ALTER COLUMN body SET STORAGE MAIN, "
        "ALTER COLUMN body_text SET STORAGE EXTERNAL"
    )
    schema_editor.execute(
        "UPDATE articles_story SET body = body || '', body_text = body_text || ''"
    )


def default_layout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_story ALTER COLUMN body SET STORAGE EXTENDED, "
            "ALTER COLUMN body_text SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_section_list_index"),
    ]

    operations = [
        migrations.RunPython(keep_rows_small, default_layout, elidable=False),
    ]
