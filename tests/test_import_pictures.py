"""Imported stories never make a reader's browser ask another host for a picture."""

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.ingest.catalog import Catalog, importer_user
from articles.ingest.items import StoryItem
from articles.ingest.pictures import WARNING_FOREIGN_PICTURE, keep_local_pictures
from articles.ingest.pipeline import story_import
from articles.ingest.summary import ImportSummary, Outcome
from articles.models import Status, Story
from articles.workflow import services
from tests.factories import make_category

pytestmark = pytest.mark.django_db

WP = Path(__file__).parent / "fixtures" / "wordpress"


@pytest.mark.parametrize(
    ("html", "kept", "dropped"),
    [
        (
            '<p>Мәтін <img src="https://old.example/a.jpg" alt="a"> қалды.</p>',
            "<p>Мәтін  қалды.</p>",
            ["https://old.example/a.jpg"],
        ),
        ('<p><img src="/media/images/a.jpg" alt="a"></p>', None, []),
        (  # a link that held only the picture goes with it, and its paragraph
            '<p>Бір.</p><p><a href="https://old.example/a.jpg">'
            '<img src="https://old.example/a-300x200.jpg" alt="a"></a></p>',
            "<p>Бір.</p>",
            ["https://old.example/a-300x200.jpg"],
        ),
        (  # a figure loses its caption with its picture
            '<figure class="image"><img src="//cdn.example/b.png" alt="b">'
            "<figcaption>Жазу</figcaption></figure><p>Екі.</p>",
            "<p>Екі.</p>",
            ["//cdn.example/b.png"],
        ),
        (  # a local picture keeps its address, not another host's renditions
            '<img src="/media/images/c.jpg" srcset="https://old.example/c-300.jpg '
            '300w" sizes="300px" alt="c">',
            '<img src="/media/images/c.jpg" alt="c">',
            [],
        ),
        (
            '<picture><source srcset="https://old.example/d.webp" type="image/webp">'
            '<img src="/media/images/d.jpg" alt="d"></picture>',
            '<picture><img src="/media/images/d.jpg" alt="d"></picture>',
            [],
        ),
        (  # a link with words stays: following it is the reader's choice
            '<p><a href="https://old.example/plan.pdf">План</a></p>',
            None,
            [],
        ),
    ],
)
def test_only_pictures_stored_here_stay(html, kept, dropped):
    body, found = keep_local_pictures(html)
    assert body == (html if kept is None else kept)
    assert found == dropped


class Requests(HTMLParser):
    """Collect every address a browser fetches on its own when it shows a page."""

    FETCHED = {
        "img": ("src", "srcset"),
        "source": ("srcset", "src"),
        "script": ("src",),
        "iframe": ("src",),
        "video": ("src", "poster"),
        "audio": ("src",),
        "embed": ("src",),
        "link": ("href",),
    }

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.FETCHED.get(tag, ()) and value:
                if name == "srcset":
                    self.urls += [c.split()[0] for c in value.split(",") if c.strip()]
                else:
                    self.urls.append(value)


def foreign_requests(html):
    parser = Requests()
    parser.feed(html)
    return [u for u in parser.urls if urlsplit(u).hostname not in (None, "testserver")]


def run(export, **options):
    out = io.StringIO()
    call_command(
        "import_wordpress",
        str(export),
        stdout=out,
        stderr=io.StringIO(),
        language="en",
        **options,
    )
    return out.getvalue()


@pytest.mark.parametrize("with_uploads", [True, False], ids=["uploads", "no-uploads"])
def test_no_imported_page_asks_another_host_for_anything(
    tmp_path, client, with_uploads
):
    shutil.copy(WP / "export.xml", tmp_path / "export.xml")
    if with_uploads:
        shutil.copytree(WP / "uploads", tmp_path / "uploads")
    run(tmp_path / "export.xml")
    editor = importer_user()
    for story in Story.objects.exclude(status=Status.PUBLISHED):
        if story.status == Status.DRAFT:
            services.story_transition(story_id=story.pk, user=editor, action="submit")
        services.story_transition(story_id=story.pk, user=editor, action="publish")
    checked = 0
    for story in Story.objects.published():
        html = client.get(story.get_absolute_url()).content.decode()
        assert foreign_requests(html) == [], story.headline
        assert not re.search(r'src(set)?="[^"]*old\.turanews', story.body)
        checked += 1
    assert checked == 4
    home = client.get("/kk/").content.decode()
    assert foreign_requests(home) == []


def test_a_feed_items_pictures_from_elsewhere_are_left_out_and_reported():
    agency = "https://agency.example/photos/neft.jpg"
    item = StoryItem(
        where="https://agency.example/rss #1",
        headline="Мұнай өндірісі артты",
        body=f'<p>Өндіріс 5 пайызға өсті.</p><p><img src="{agency}" alt="Мұнай"></p>',
        category=make_category(),
        keys=[("guid", "agency:1")],
    )
    summary = ImportSummary()
    summary.add(story_import(item=item, user=importer_user(), catalog=Catalog()))
    story = Story.objects.get()
    assert summary.created == 1
    assert story.body == "<p>Өндіріс 5 пайызға өсті.</p>"
    assert summary.warnings == [
        (item.where, str(WARNING_FOREIGN_PICTURE % {"url": agency}))
    ]


def test_an_item_that_was_only_a_picture_from_elsewhere_fails():
    item = StoryItem(
        where="feed #2",
        headline="Фото",
        body='<p><img src="https://agency.example/x.jpg" alt="x"></p>',
        category=make_category(),
        keys=[("guid", "agency:2")],
    )
    result = story_import(item=item, user=importer_user(), catalog=Catalog())
    assert result.outcome is Outcome.FAILED
    assert not Story.objects.exists()
