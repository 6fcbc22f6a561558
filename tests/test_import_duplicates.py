"""Importing a story that is already here creates no copy of it."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.ingest.catalog import Catalog, importer_user
from articles.ingest.duplicates import REASON_COPY, WHY_SAME_TEXT, WHY_SAME_URL
from articles.ingest.items import StoryItem, Target
from articles.ingest.pipeline import story_import
from articles.ingest.summary import Outcome
from articles.ingest.textfile import paragraphs_html
from articles.models import Status, Story
from tests.factories import make_category, make_story
from tests.test_feeds_ingest import counts, tally

pytestmark = pytest.mark.django_db

WP = Path(__file__).parent / "fixtures" / "wordpress"
HEADLINE = "Түркістанда жаңа зауыт ашылды"
PARAGRAPHS = ["Зауыт 300 адамды жұмыспен қамтиды.", "Құрылыс екі жыл жүрді."]
FILE_TEXT = "{category}\n\n{headline}\n\n{body}\n\nTuraNews\n"


def story_file(
    tmp_path, name="zauyt.txt", headline=HEADLINE, paragraphs=None, category=None
):
    path = tmp_path / name
    body = "\n\n".join(paragraphs or PARAGRAPHS)
    text = FILE_TEXT.format(
        category=category or "Экономика", headline=headline, body=body
    )
    path.write_text(text, "utf-8")
    return path


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def copy_line(story, why):
    return str(REASON_COPY % {"headline": story.headline, "id": story.pk, "why": why})


def test_a_file_repeating_a_published_story_is_skipped_and_named(tmp_path):
    published = make_story(
        HEADLINE,
        status=Status.PUBLISHED,
        body=paragraphs_html([[p] for p in PARAGRAPHS]),
        category=make_category("Экономика"),
    )
    out = run("import_stories", story_file(tmp_path))
    assert counts(out) == tally(skipped=1)
    assert copy_line(published, WHY_SAME_TEXT) in out
    assert Story.objects.count() == 1
    assert not Story.objects.filter(slug__endswith="-2").exists()


def test_the_same_file_under_another_name_and_section_is_one_story(tmp_path):
    run("import_stories", story_file(tmp_path))
    other = story_file(tmp_path, "copy.txt", category="Аймақ")
    out = run("import_stories", other)
    assert counts(out) == tally(skipped=1)
    assert Story.objects.count() == 1


def test_an_item_with_a_known_original_address_is_skipped():
    known = make_story(
        "Мұнай бағасы өсті",
        status=Status.PUBLISHED,
        original_url="https://kaz.example/news/123",
    )
    item = StoryItem(
        where="feed #1",
        headline="Мұнай бағасы тағы өсті",  # retitled by the agency
        body="<p>Brent маркалы мұнай 90 доллардан асты.</p>",
        original_url="https://kaz.example/news/123",
        category=known.category,
        keys=[("guid", "kaz:123")],
    )
    result = story_import(item=item, user=importer_user(), catalog=Catalog())
    assert result.outcome is Outcome.SKIPPED
    assert result.reason == copy_line(known, WHY_SAME_URL)
    assert Story.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"headline": "Түркістанда екінші зауыт ашылды"},
        {"paragraphs": ["Зауыт 500 адамды қамтиды."], "category": "Аймақ"},
    ],
)
def test_a_different_headline_or_text_is_a_new_story(tmp_path, change):
    run("import_stories", story_file(tmp_path))
    run("import_stories", story_file(tmp_path, "other.txt", **change))
    assert Story.objects.count() == 2


def test_the_same_words_in_another_language_are_not_a_copy():
    story = make_story("Astana", status=Status.PUBLISHED, body="<p>Astana</p>")
    item = StoryItem(
        where="x",
        headline="Astana",
        body="<p>Astana</p>",
        language="kk",
        category=story.category,
        keys=[("file", "x")],
        target=Target.REVIEW,
    )
    Story.objects.filter(pk=story.pk).update(language="en")
    result = story_import(item=item, user=importer_user(), catalog=Catalog())
    assert result.outcome is Outcome.CREATED


def test_a_post_in_a_second_export_of_the_same_site_is_not_imported_twice(tmp_path):
    shutil.copy(WP / "export.xml", tmp_path / "a.xml")
    text = (WP / "export.xml").read_text("utf-8")
    (tmp_path / "b.xml").write_text(
        text.replace("https://old.turanews.kz", "https://turanews.kz"), "utf-8"
    )
    run("import_wordpress", tmp_path / "a.xml")
    stories = Story.objects.count()
    out = run("import_wordpress", tmp_path / "b.xml", language="en")
    assert Story.objects.count() == stories
    assert counts(out)["created"] == counts(out)["published"] == 0
    assert "the same story is already here" in out
