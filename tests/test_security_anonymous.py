"""The anonymous suite: what an outsider tried, with no account at all.

- finding 5: pictures of stories readers cannot see yet, at guessable addresses;
- finding 6: feeds turning a summary or a text's plain words into live markup;
- finding 9: NUL bytes and overlong numbers in addresses and filters giving 500;
- and the heavy work of finding 11: renditions are made when a picture is stored,
  never while a reader's page is being drawn.
"""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from articles.core import renditions as core_renditions
from articles.models import Image, Rendition, Status
from articles.public.bad_requests import ERROR_BAD_ADDRESS
from articles.workflow import catalog

from .factories import (
    image_bytes,
    make_author,
    make_category,
    make_image,
    make_journalist,
    make_source,
    make_story,
)
from .security import body_of

pytestmark = pytest.mark.django_db

NOW = timezone.now
HIDDEN = {
    "draft": (Status.DRAFT, None),
    "in review": (Status.IN_REVIEW, None),
    "approved": (Status.APPROVED, None),
    "changes requested": (Status.CHANGES_REQUESTED, None),
    "scheduled": (Status.PUBLISHED, timedelta(days=2)),
    "withdrawn": (Status.UNPUBLISHED, -timedelta(days=1)),
}
TOKEN_PATH = re.compile(r"^/media/renditions/[0-9a-f]{24}/\d+\.(jpg|webp)$")


def stored_picture(user, name="photo.jpg", size=(400, 240)):
    return catalog.image_create(
        user=user,
        upload=SimpleUploadedFile(name, image_bytes(size=size)),
        alt_text="Алматы көшесі",
    )


class TestUnpublishedPictures:
    """Finding 5: renditions stored as renditions/<id>/<width>.<ext> were public."""

    @pytest.fixture
    def newsroom(self):
        journalist = make_journalist()
        category = make_category("Қала", slug="qala")
        pictures = {}
        for state, (status, offset) in HIDDEN.items():
            picture = stored_picture(journalist)
            make_story(
                f"Жасырын {state}",
                status=status,
                published_at=offset and NOW() + offset,
                category=category,
                hero_image=picture,
                created_by=journalist,
            )
            pictures[state] = picture
        public = stored_picture(journalist)
        story = make_story(
            "Ашық жаңалық",
            status=Status.PUBLISHED,
            category=category,
            hero_image=public,
        )
        return pictures, public, story

    def test_renditions_are_made_when_the_picture_is_stored(self, newsroom):
        pictures, public, _story = newsroom
        for picture in [*pictures.values(), public]:
            made = {(r.width, r.format) for r in picture.renditions.all()}
            widths = core_renditions.target_widths(picture.width)
            assert made == {(w, f) for w in widths for f in ("jpeg", "webp")}

    @pytest.mark.parametrize("state", list(HIDDEN))
    def test_no_guessable_address_answers(self, client, newsroom, state):
        picture = newsroom[0][state]
        for width in core_renditions.WIDTHS:
            for ext in ("jpg", "webp"):
                guess = f"/media/renditions/{picture.pk}/{width}.{ext}"
                assert client.get(guess).status_code == 404, guess
        for rendition in picture.renditions.all():
            assert TOKEN_PATH.match(rendition.file.url), rendition.file.url
            assert f"/{picture.pk}/" not in rendition.file.url
        # The original's name carries 96 random bits too.
        assert re.search(r"-[0-9a-f]{24}\.jpg$", picture.file.name)

    def test_no_public_page_gives_their_addresses_away(self, client, newsroom):
        pictures, public, story = newsroom
        hidden = {
            url
            for picture in pictures.values()
            for url in [
                picture.file.url,
                *(r.file.url for r in picture.renditions.all()),
            ]
        }
        with translation.override("kk"):
            pages = [
                reverse("articles:home"),
                reverse("articles:category", kwargs={"slug": "qala"}),
                reverse("articles:feed"),
                reverse("articles:feed_atom"),
                reverse("articles:search") + "?q=Жасырын",
                story.get_absolute_url(),
            ]
        pages += ["/feed/", "/sitemap.xml", "/news-sitemap.xml"]
        seen = ""
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            seen += body_of(response).decode()
        assert not [url for url in hidden if url in seen]
        # The walk is not blind: the public story's picture is there.
        assert any(r.file.url in seen for r in public.renditions.all())


class TestRenditionsOutOfReadersRequests:
    """Finding 11: the first rendition of a large picture was made in a page view."""

    def test_a_page_view_makes_no_rendition(self, client, monkeypatch):
        # A picture from before renditions were made at upload: none yet.
        picture = make_image()
        story = make_story("Суреті бар", status=Status.PUBLISHED, hero_image=picture)

        def refuse(image):
            raise AssertionError("a reader's request made a rendition")

        monkeypatch.setattr(core_renditions, "make_renditions", refuse)
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert not Rendition.objects.exists()
        # It is shown from its original file until `make_renditions` runs.
        assert picture.file.url in response.content.decode()

    def test_the_command_makes_the_missing_and_moves_the_guessable(self):
        from django.core.management import call_command

        picture = make_image()
        old = Rendition(image=picture, width=64, height=48, format="jpeg")
        old.file.save(f"{picture.pk}/64.jpg", SimpleUploadedFile("x", b"x"))
        call_command("make_renditions", stdout=__import__("io").StringIO())
        names = [r.file.name for r in Image.objects.get().renditions.all()]
        assert names
        assert all(TOKEN_PATH.match("/media/" + n) for n in names)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def markup_in(html_text: str) -> list[str]:
    parser = Tags()
    parser.feed(html_text)
    return parser.tags


PAYLOAD = "<img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"


class TestFeeds:
    """Finding 6: plain text arrived in feeds as live markup."""

    @pytest.fixture
    def stories(self):
        category = make_category("Қоғам", slug="qogam")
        source = make_source("Дереккөз", slug="derekkoz")
        author = make_author("Автор <b>Қалың</b>", slug="avtor")
        with_dek = make_story(
            "Тақырып <script>alert(1)</script>",
            status=Status.PUBLISHED,
            category=category,
            source=source,
            dek=f"Түйін {PAYLOAD}",
            authors=[author],
        )
        # What a journalist types as words arrives escaped in the body; its
        # plain-text form (the feed's fallback) holds the characters themselves.
        without_dek = make_story(
            "Түйінсіз",
            status=Status.PUBLISHED,
            category=category,
            source=source,
            body=f"<p>{PAYLOAD.replace('<', '&lt;').replace('>', '&gt;')}</p>"
            "<script>alert(2)</script>",
        )
        assert PAYLOAD in without_dek.body_text
        return with_dek, without_dek

    def feeds(self):
        with translation.override("kk"):
            return [
                reverse("articles:feed"),
                reverse("articles:feed_atom"),
                reverse("articles:category_feed", kwargs={"slug": "qogam"}),
                reverse("articles:category_feed_atom", kwargs={"slug": "qogam"}),
                reverse("articles:source_feed", kwargs={"slug": "derekkoz"}),
                reverse("articles:source_feed_atom", kwargs={"slug": "derekkoz"}),
                "/feed/",
                "/feed/atom/",
            ]

    def test_html_fields_hold_no_markup_but_the_words(self, client, stories):
        for address in self.feeds():
            response = client.get(address)
            assert response.status_code == 200
            root = ET.fromstring(response.content)
            fields = root.iter("description") if "atom" not in address else []
            fields = [
                *fields,
                *root.iter(f"{ATOM}summary"),
                *root.iter(f"{ATOM}content"),
            ]
            texts = [f.text or "" for f in fields]
            assert any(
                PAYLOAD.replace("<", "&lt;").replace(">", "&gt;") in t for t in texts
            )
            for text in texts:
                assert markup_in(text) == [], (address, text)
            assert b"<script" not in response.content
            assert b"alert(2)" not in response.content


class TestBadAddresses:
    """Finding 9: a NUL byte or an overlong number gave a server error."""

    @pytest.mark.parametrize(
        "address",
        [
            "/%00",
            "/kk/%00/",
            "/no%00such/old/address/",
            "/kk/search/?q=%00",
            "/kk/search/?language=%00",
            "/kk/search/?category=a%00",
            "/kk/?page=%00",
            "/media/images/%00.jpg",
            "/admin/%00/",
        ],
    )
    def test_nul_is_a_clear_400(self, client, address):
        response = client.get(address)
        assert response.status_code == 400
        assert str(ERROR_BAD_ADDRESS) in response.content.decode()

    @pytest.mark.parametrize(
        "address",
        [
            "/kk/archive/" + "9" * 40 + "/",
            "/kk/archive/2024/" + "9" * 40 + "/",
            "/kk/archive/2024/2/30/",
            "/kk/?page=" + "9" * 40,
            "/kk/search/?q=су&page=" + "9" * 40,
            "/kk/search/?q=су&date_from=2024-13-45",
            "/kk/search/?q=су&date_from=" + "9" * 40,
            "/preview/" + "9" * 40 + "/",
            "/kk/category/" + "x" * 3000 + "/",
        ],
    )
    def test_overlong_and_malformed_values_are_not_errors(self, client, address):
        assert client.get(address).status_code < 500

    def test_a_pasted_nul_in_search(self, client):
        from articles.search import results as search_results

        make_story("Түркістан облысы", status=Status.PUBLISHED)
        query = "\x00Түркістан\x00"
        assert client.get("/kk/search/", {"q": query}).status_code == 400
        # The search itself copes too, whoever calls it.
        assert search_results.search_stories(query).count() == 1

    def test_the_400_page_speaks_the_readers_language(self, client):
        response = client.get("/ru/%00/")
        assert response.status_code == 400
        assert '<html lang="ru">' in response.content.decode()
        with translation.override("ru"):
            assert str(ERROR_BAD_ADDRESS) in response.content.decode()


class TestOutsidersCopy:
    """Finding 9's import side: a source's feed or export carrying NUL bytes."""

    def test_nul_bytes_are_dropped_not_the_story(self):
        from articles.ingest.catalog import Catalog, importer_user
        from articles.ingest.pipeline import StoryItem, story_import
        from articles.ingest.summary import Outcome
        from articles.models import Story

        make_category("Қоғам", slug="qogam")

        def item():
            return StoryItem(
                where="feed #1",
                headline="Жаңалық\x00 тақырыбы",
                body="<p>Мәтін\x00 осында.</p>",
                dek="Түйін\x00",
                category_name="Қоғам\x00",
                tags=["тег\x00"],
                keys=[("url", "https://example.kz/news/1\x00")],
            )

        first = story_import(item=item(), user=importer_user(), catalog=Catalog())
        assert first.outcome is Outcome.CREATED
        story = Story.objects.get()
        stored = [story.headline, story.body, story.dek, story.body_text]
        assert stored[0] == "Жаңалық тақырыбы"
        assert not any("\x00" in text for text in stored)
        again = story_import(item=item(), user=importer_user(), catalog=Catalog())
        assert again.outcome is Outcome.SKIPPED
