"""
Imports and search text.

- A story's plain text kept no space between block elements (CKEditor writes
  ``<p>…</p><h2>…</h2>`` with nothing between), so words at block edges ran together
  and search could not find them: every story's plain text is made again, and the
  search index rebuilt from it when anything changed.
- A story remembers the first of our pictures in its text, which lists and shared
  links show while it has no main picture; stored stories get theirs here.
- An imported WordPress post keeps its post ID, so that old short links (/?p=ID)
  find its story; posts imported before take it from their key. An import can
  leave a note on what it held back (a post with a password), shown on the story.
- Imports look up the stories an item would repeat (same original address, or same
  language and headline) through two new indexes.

Schema changes come first, data after, so that PostgreSQL never alters a table
with row changes pending in the same transaction.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHUNK = 500


def remake_plain_text(apps, schema_editor):
    from articles.core.text import html_to_text, media_file_names

    from articles.search import index as search_index

    story_model = apps.get_model("articles", "Story")
    image_model = apps.get_model("articles", "Image")
    alias = schema_editor.connection.alias
    stories = story_model._default_manager.using(alias)
    images = image_model._default_manager.using(alias)
    last, text_changed = 0, False
    while True:
        chunk = list(
            stories.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "body", "body_text", "body_image")[:CHUNK]
        )
        if not chunk:
            break
        names = {s.pk: media_file_names(s.body, settings.MEDIA_URL) for s in chunk}
        wanted = {name for found in names.values() for name in found}
        ids = dict(images.filter(file__in=wanted).values_list("file", "pk"))
        changed = []
        for story in chunk:
            text = html_to_text(story.body)
            picture = next((ids[n] for n in names[story.pk] if n in ids), None)
            if text != story.body_text or picture != story.body_image_id:
                text_changed = text_changed or text != story.body_text
                story.body_text, story.body_image_id = text, picture
                changed.append(story)
        stories.bulk_update(changed, ["body_text", "body_image"])
        last = chunk[-1].pk
    if text_changed:
        search_index.rebuild_index(conn=schema_editor.connection, apps=apps)


_POST_ID_RE = re.compile(r"/\?p=(\d{1,18})$")


def keep_wordpress_ids(apps, schema_editor):
    item_model = apps.get_model("articles", "ImportedItem")
    items = item_model._default_manager.using(schema_editor.connection.alias)
    found = []
    for item in items.filter(kind="wp", wordpress_id__isnull=True).only("pk", "key"):
        match = _POST_ID_RE.search(item.key)
        if match:
            item.wordpress_id = int(match.group(1))
            found.append(item)
    items.bulk_update(found, ["wordpress_id"], batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_story_latin_overrides"),
    ]

    operations = [
        migrations.AddField(
            model_name="importeditem",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Why the import held the story back; shown above its form.",
                verbose_name="import note",
            ),
        ),
        migrations.AddField(
            model_name="importeditem",
            name="wordpress_id",
            field=models.PositiveBigIntegerField(
                blank=True,
                db_index=True,
                help_text="Old short links to the post (/?p=ID) lead to its story.",
                null=True,
                verbose_name="WordPress post ID",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="body_image",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Shown in lists and shared links while there is no main "
                "picture.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.image",
                verbose_name="first picture in the text",
            ),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(
                fields=["language", "headline"], name="story_headline_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["original_url"], name="story_original_url_idx"),
        ),
        migrations.RunPython(remake_plain_text, migrations.RunPython.noop),
        migrations.RunPython(keep_wordpress_ids, migrations.RunPython.noop),
    ]
