"""
Imports and search text.

A story's plain text kept no space between block elements (CKEditor writes
``<p>…</p><h2>…</h2>`` with nothing between), so words at block edges ran together
and search could not find them: every story's plain text is made again, and the
search index rebuilt from it when anything changed.
"""

from django.db import migrations

CHUNK = 500


def remake_plain_text(apps, schema_editor):
    from articles.core.text import html_to_text
    from articles.search import index as search_index

    story_model = apps.get_model("articles", "Story")
    stories = story_model._default_manager.using(schema_editor.connection.alias)
    last, changed_any = 0, False
    while True:
        chunk = list(
            stories.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "body", "body_text")[:CHUNK]
        )
        if not chunk:
            break
        changed = []
        for story in chunk:
            text = html_to_text(story.body)
            if text != story.body_text:
                story.body_text = text
                changed.append(story)
        if changed:
            stories.bulk_update(changed, ["body_text"])
            changed_any = True
        last = chunk[-1].pk
    if changed_any:
        search_index.rebuild_index(conn=schema_editor.connection, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_search_filter_columns"),
    ]

    operations = [
        migrations.RunPython(remake_plain_text, migrations.RunPython.noop),
    ]
