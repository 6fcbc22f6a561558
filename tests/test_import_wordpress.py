import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.core.images import ERROR_BROKEN
from articles.ingest.pictures import WARNING_FOREIGN_PICTURE
from articles.ingest.pipeline import REASON_EDITED_HERE, REASON_EDITED_SINCE_IMPORT
from articles.ingest.wordpress import wp_autop
from articles.ingest.wordpress_media import (
    WARNING_INLINE_BAD_IMAGE,
    WARNING_INLINE_NO_FILE,
    WARNING_INLINE_NOT_IMAGE,
)
from articles.ingest.wxr import ERROR_NOT_WXR, ERROR_XML_FORBIDDEN
from articles.models import (
    Author,
    Category,
    Image,
    ImportedItem,
    Status,
    Story,
    StoryRedirect,
    Tag,
)
from tests.factories import make_category
from tests.test_feeds_ingest import counts, tally

pytestmark = pytest.mark.django_db

WP = Path(__file__).parent / "fixtures" / "wordpress"
KK_HEADLINE = "Түркістанда жаңа зауыт ашылды"
KK_OLD_PATH = "/2023/10/17/түркістанда-жаңа-зауыт-ашылды/"


@pytest.fixture
def export(tmp_path):
    """The export with its uploads folder beside it, as a site backup has them."""
    shutil.copy(WP / "export.xml", tmp_path / "export.xml")
    shutil.copytree(WP / "uploads", tmp_path / "uploads")
    return tmp_path / "export.xml"


def run(*args):
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_posts_come_in_with_status_terms_authors_dates_and_slugs(export):
    economy = make_category("Экономика", slug="economy")
    out = run(export)
    assert counts(out) == tally(created=3, published=2, skipped=2, failed=1)
    assert "export.xml: post 19" in out
    assert "su.jpg" in out  # the missing featured image is reported

    kk = Story.objects.get(headline=KK_HEADLINE)
    assert kk.status == Status.PUBLISHED
    assert kk.is_public
    assert kk.published_at == datetime(2023, 10, 17, 4, 30, tzinfo=UTC)
    assert kk.language == "kk"
    assert kk.slug == "turkistanda-zhanga-zauyt-ashyldy"
    assert kk.category == economy
    assert set(kk.tags.values_list("name", flat=True)) == {
        "Түркістан",
        "инвестиция",
        "Аймақ",
    }
    assert list(kk.authors.values_list("name", flat=True)) == ["Әйгерім Садықова"]
    assert kk.dek == "Зауыт 300 адамды жұмыспен қамтиды."
    assert kk.body.startswith(
        "<p>Зауыт 300 адамды жұмыспен қамтиды, деп хабарлайды TuraNews.kz.</p>"
    )
    assert "<p>Құрылыс екі жыл жүрді.<br>Жұмысшылар жергілікті тұрғындар.</p>" in (
        kk.body
    )
    assert "<h2>Келесі кезең</h2>" in kk.body
    assert "script" not in kk.body
    assert "[caption" not in kk.body
    assert list(kk.events.order_by("id").values_list("action", flat=True)) == [
        "submit",
        "publish",
    ]

    ru = Story.objects.get(headline="В Шымкенте открыли новый парк")
    assert (ru.status, ru.language, ru.published_at) == (Status.DRAFT, "ru", None)
    assert ru.category.name == ru.category.name_ru == "Общество"
    assert list(ru.authors.values_list("name", flat=True)) == ["Иван Петров"]
    assert "<strong>12 гектаров</strong>" in ru.body
    pending = Story.objects.get(headline="Депутаты обсудили бюджет области")
    assert pending.status == Status.IN_REVIEW
    assert pending.category == ru.category
    scheduled = Story.objects.get(headline="Наурыз мерекесі Түркістанда өтеді")
    assert scheduled.status == Status.PUBLISHED
    assert not scheduled.is_public
    assert scheduled.published_at == datetime(2099, 3, 21, 10, 0, tzinfo=UTC)
    assert not Story.objects.filter(headline__in=["Өшірілген жазба", "Біз туралы"])
    assert Author.objects.count() == 2


def test_featured_image_is_stored_from_the_local_file(export):
    run(export)
    kk = Story.objects.get(headline=KK_HEADLINE)
    image = kk.hero_image
    assert image is not None
    assert image.alt_text == "Зауыттың жаңа ғимараты"
    assert image.caption == "Жаңа зауыттың ғимараты"
    assert (image.width, image.height) == (320, 200)
    assert Story.objects.get(headline__startswith="Арыс").hero_image is None


def test_old_wordpress_addresses_redirect_to_the_new_ones(export, client):
    run(export)
    kk = Story.objects.get(headline=KK_HEADLINE)
    assert StoryRedirect.objects.get(old_path=KK_OLD_PATH).story == kk
    response = client.get(
        "/2023/10/17/%d1%82%d2%af%d1%80%d0%ba%d1%96%d1%81%d1%82%d0%b0%d0%bd%d0%b4%d0%b0"
        "-%d0%b6%d0%b0%d2%a3%d0%b0-%d0%b7%d0%b0%d1%83%d1%8b%d1%82-%d0%b0%d1%88%d1%8b"
        "%d0%bb%d0%b4%d1%8b/"
    )
    assert response.status_code == 301
    assert response["Location"] == kk.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # A post that was never public leaves no old address, and a future one waits.
    assert not StoryRedirect.objects.filter(story__status=Status.DRAFT).exists()
    assert client.get("/2099/03/21/nauryz/").status_code == 404


def test_reimport_creates_nothing_twice(export):
    run(export)
    before = [
        model.objects.count()
        for model in (Story, Category, Tag, Author, Image, StoryRedirect, ImportedItem)
    ]
    out = run(export)
    after = [
        model.objects.count()
        for model in (Story, Category, Tag, Author, Image, StoryRedirect, ImportedItem)
    ]
    assert after == before
    assert counts(out) == tally(skipped=7, failed=1)


def test_xml_with_entities_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match=re.escape(str(ERROR_XML_FORBIDDEN))):
        run(WP / "entities.xml")
    assert not Story.objects.exists()


def test_a_file_that_is_not_an_export_is_refused():
    feeds = Path(__file__).parent / "fixtures" / "feeds" / "rss2.xml"
    with pytest.raises(CommandError, match=re.escape(str(ERROR_NOT_WXR))):
        run(feeds)


def test_truncated_export_keeps_what_was_read(tmp_path):
    text = (WP / "export.xml").read_text("utf-8")
    cut = text.index("<item>", text.index("<wp:post_id>13</wp:post_id>"))
    (tmp_path / "cut.xml").write_text(text[:cut], "utf-8")
    with pytest.raises(CommandError):
        run(tmp_path / "cut.xml")
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("raw", "html"),
    [
        ("Бір.\n\nЕкі.", "<p>Бір.</p>\n<p>Екі.</p>"),
        ("Бір\nжол.", "<p>Бір<br>жол.</p>"),
        ("<p>Дайын.</p>\n\nЖаңа.", "<p>Дайын.</p>\n<p>Жаңа.</p>"),
        ('[gallery ids="1,2"]\n\nМәтін.', "<p>Мәтін.</p>"),
    ],
)
def test_wp_autop(raw, html):
    assert wp_autop(raw) == html


OLD_UPLOADS = "old.turanews.kz/wp-content/uploads/"


def test_inline_pictures_are_stored_once_and_point_at_the_new_images(export):
    out = run(export)
    kk = Story.objects.get(headline=KK_HEADLINE)
    factory = kk.hero_image
    # The resized copy, its srcset and the link to the full file: one Image.
    assert f'src="{factory.file.url}"' in kk.body
    assert f'href="{factory.file.url}"' in kk.body
    assert 'alt="Зауыт цехы"' in kk.body
    assert OLD_UPLOADS not in kk.body
    assert "srcset" not in kk.body
    assert "sizes" not in kk.body

    ru = Story.objects.get(headline="В Шымкенте открыли новый парк")
    park = Image.objects.get(file__contains="park")
    assert (park.alt_text, park.caption, park.credit) == (
        "Новый парк в Шымкенте",
        "Аллеи нового парка",
        "Иван Петров",
    )
    assert (park.width, park.height) == (300, 200)
    assert f'src="{park.file.url}"' in ru.body
    assert f'alt="{park.alt_text}"' in ru.body
    # The same factory picture in another post is the same Image.
    assert f'<img src="{factory.file.url}" alt="Завод">' in ru.body
    # A file without an attachment entry, found under the uploads folder.
    bazar = Image.objects.get(file__contains="bazar")
    assert bazar.alt_text == "Базар в Шымкенте"
    assert f'src="{bazar.file.url}"' in ru.body
    assert Image.objects.count() == 3
    # Sanitised after the rewriting; another site's picture is not ours to move, so
    # it is left out rather than fetched from there by every reader.
    assert "onerror" not in ru.body
    assert "example.com" not in ru.body
    other = "https://example.com/wp-content/uploads/2023/10/other.jpg"
    assert str(WARNING_FOREIGN_PICTURE % {"url": other}) in out


def test_missing_inline_pictures_are_left_out_and_reported(export):
    out = run(export)
    ru = Story.objects.get(headline="В Шымкенте открыли новый парк")
    fontan = f"https://{OLD_UPLOADS}2023/10/fontan.jpg"
    plan = f"https://{OLD_UPLOADS}2023/10/plan.pdf"
    assert "fontan" not in ru.body
    assert "<p></p>" not in ru.body  # nor the paragraph that held only the picture
    assert f'href="{plan}"' in ru.body  # a link asks nothing of the old site
    where = "export.xml: post 12 “В Шымкенте открыли новый парк”: "
    assert where + str(WARNING_INLINE_NO_FILE % {"url": fontan}) in out
    assert where + str(WARNING_INLINE_NOT_IMAGE % {"url": plan}) in out


def test_without_the_uploads_folder_every_picture_is_reported(tmp_path):
    shutil.copy(WP / "export.xml", tmp_path / "export.xml")
    out = run(tmp_path / "export.xml")
    assert not Image.objects.exists()
    kk = Story.objects.get(headline=KK_HEADLINE)
    assert "<img" not in kk.body
    assert "old.turanews.kz" not in kk.body
    # The caption's text stays; the empty link to the full-size file goes.
    assert "Зауыттың ғимараты" in kk.body
    assert "<a " not in kk.body
    for name in ("zauyt.jpg", "park-300x200.jpg", "fontan.jpg"):
        url = f"https://{OLD_UPLOADS}2023/10/{name}"
        assert str(WARNING_INLINE_NO_FILE % {"url": url}) in out
    bazar = "/wp-content/uploads/2023/10/bazar.png"
    assert str(WARNING_INLINE_NO_FILE % {"url": bazar}) in out
    # Once the files are there, the untouched draft takes its pictures; the story
    # published meanwhile is the newsroom's, and the summary says so.
    shutil.copytree(WP / "uploads", tmp_path / "uploads")
    out = run(tmp_path / "export.xml")
    ru = Story.objects.get(headline="В Шымкенте открыли новый парк")
    assert Image.objects.count() == 3
    assert f"{OLD_UPLOADS}2023/10/park" not in ru.body
    assert counts(out) == tally(updated=1, skipped=6, failed=1)
    assert f"post 11 “{KK_HEADLINE}”: {REASON_EDITED_HERE}" in out


def test_a_broken_inline_picture_is_refused_like_any_upload(export):
    (export.parent / "uploads" / "2023" / "10" / "fontan.jpg").write_bytes(
        b"\xff\xd8\xff\xe0 not really a picture"
    )
    out = run(export)
    ru = Story.objects.get(headline="В Шымкенте открыли новый парк")
    assert "fontan" not in ru.body
    fontan = f"https://{OLD_UPLOADS}2023/10/fontan.jpg"
    refused = str(
        WARNING_INLINE_BAD_IMAGE % {"url": fontan, "error": str(ERROR_BROKEN)}
    )
    assert refused in out
    assert not Image.objects.filter(file__contains="fontan").exists()


def test_reimport_keeps_the_inline_pictures_and_stores_nothing_again(export):
    run(export)
    bodies = dict(Story.objects.values_list("pk", "body"))
    files = sorted(Image.objects.values_list("file", flat=True))
    out = run(export)
    assert dict(Story.objects.values_list("pk", "body")) == bodies
    assert sorted(Image.objects.values_list("file", flat=True)) == files
    assert counts(out) == tally(skipped=7, failed=1)
    # A report, every time, of what could not be brought in.
    fontan = f"https://{OLD_UPLOADS}2023/10/fontan.jpg"
    assert str(WARNING_INLINE_NO_FILE % {"url": fontan}) in out


def test_a_post_published_at_the_source_since_is_published_if_untouched(export):
    text = export.read_text("utf-8")
    export.write_text(text.replace("[pending]", "[draft]"), "utf-8")
    run(export)
    pending = Story.objects.get(headline="Депутаты обсудили бюджет области")
    assert pending.status == Status.DRAFT
    park = Story.objects.get(headline="В Шымкенте открыли новый парк")
    park.dek = "Редакция дописала"
    park.save()
    published = text.replace("[pending]", "[publish]").replace(
        "<wp:status><![CDATA[draft]]>", "<wp:status><![CDATA[publish]]>"
    )
    export.write_text(published, "utf-8")
    out = run(export)
    pending.refresh_from_db()
    park.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    assert pending.is_public
    assert park.status == Status.DRAFT
    assert counts(out) == tally(published=1, skipped=6, failed=1)
    assert str(REASON_EDITED_SINCE_IMPORT) in out
