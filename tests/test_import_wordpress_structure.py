"""A WordPress export's structure: protected posts, dates, sections and short links."""

import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from articles.ingest.wordpress import (
    NOTE_PROTECTED,
    WARNING_PROTECTED,
    WARNING_PROTECTED_PUBLIC,
)
from articles.models import Category, ImportedItem, Status, Story, StoryNote
from articles.workflow import services
from tests.factories import make_editor
from tests.test_feeds_ingest import counts, tally

pytestmark = pytest.mark.django_db

WP = Path(__file__).parent / "fixtures" / "wordpress"
BANK = "Ұлттық банк базалық мөлшерлемені сақтады"
PROTECTED = "Жазылушыларға: құрама жаттықтырушысымен сұхбат"
FORUM = "Astana hosts the regional finance forum"
TENGE = "Курс тенге укрепился"


@pytest.fixture
def export(tmp_path):
    shutil.copy(WP / "structure.xml", tmp_path / "structure.xml")
    return tmp_path / "structure.xml"


def run(*args, **options):
    out = io.StringIO()
    call_command(
        "import_wordpress", *map(str, args), stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def url(name, language="kk", **kwargs):
    with translation.override(language):
        return reverse(f"articles:{name}", kwargs=kwargs or None)


# --- 1. password-protected posts -------------------------------------------------


def test_a_password_protected_post_is_imported_unpublished_and_said_so(export, client):
    out = run(export)
    story = Story.objects.get(headline=PROTECTED)
    assert story.status == Status.IN_REVIEW
    assert not story.is_public
    assert f"post 5 “{PROTECTED}”: {WARNING_PROTECTED}" in out
    # On the story, for whoever opens it in the admin.
    note = StoryNote.objects.get(story=story)
    link = "https://old.turanews.kz/2023/07/10/zhattyqtyrushy/"
    assert note.text == str(NOTE_PROTECTED % {"where": link})
    assert counts(out) == tally(created=2, published=4)

    # Readers see nothing of it: not the page, the feed, search or the old address.
    assert client.get(f"/kk/sport/{story.slug}/").status_code == 404
    assert PROTECTED not in client.get(url("feed")).content.decode()
    assert PROTECTED not in client.get(url("home")).content.decode()
    search = client.get(url("search"), {"q": "жаттықтырушысымен"})
    assert PROTECTED not in search.content.decode()
    assert client.get("/2023/07/10/zhattyqtyrushy/").status_code != 301
    assert client.get("/", {"p": "5"}).status_code != 301


def test_the_editor_sees_why_above_the_protected_story(export, client):
    run(export)
    story = Story.objects.get(headline=PROTECTED)
    editor = make_editor()
    client.force_login(editor)
    change = reverse("admin:articles_story_change", args=[story.pk])
    page = client.get(change).content.decode()
    top = page.split('name="headline"')[0]  # above the form's fields
    note = StoryNote.objects.get(story=story).text
    assert f'<p class="errornote import-note" role="note">{note}</p>' in top
    # Once the desk decides to publish it, the warning has done its work.
    services.story_transition(story_id=story.pk, user=editor, action="publish")
    assert "import-note" not in client.get(change).content.decode()


def test_a_protected_post_stays_unpublished_on_every_later_run(export):
    run(export)
    out = run(export)
    story = Story.objects.get(headline=PROTECTED)
    assert story.status == Status.IN_REVIEW
    assert counts(out)["published"] == 0


def test_a_protected_draft_stays_a_draft(export):
    text = export.read_text("utf-8")
    start = text.index("<wp:post_id>5</wp:post_id>")
    text = text[:start] + text[start:].replace("[publish]", "[draft]", 1)
    export.write_text(text, "utf-8")
    run(export)
    assert Story.objects.get(headline=PROTECTED).status == Status.DRAFT


def test_a_public_story_whose_source_added_a_password_is_reported(export):
    text = export.read_text("utf-8")
    export.write_text(text.replace("jazylushy2023", ""), "utf-8")
    run(export)
    story = Story.objects.get(headline=PROTECTED)
    assert story.is_public
    export.write_text(text, "utf-8")
    out = run(export)
    story.refresh_from_db()
    assert story.is_public  # the newsroom's story now: withdrawing is its call
    assert f"post 5 “{PROTECTED}”: {WARNING_PROTECTED_PUBLIC}" in out


def test_help_says_what_happens_to_protected_posts():
    from articles.management.commands.import_wordpress import Command

    with translation.override("en"):
        help_text = Command().create_parser("manage.py", "import_wordpress")
        assert "password" in help_text.format_help()
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    assert "password" in readme


# --- 7. dates --------------------------------------------------------------------


def ld_json(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_an_archive_story_keeps_the_date_its_source_last_changed_it(export, client):
    run(export)
    story = Story.objects.get(headline=BANK)
    assert story.published_at == datetime(2023, 6, 1, 9, 0, tzinfo=UTC)
    assert story.updated_at == datetime(2023, 6, 2, 10, 30, tzinfo=UTC)
    html = client.get(story.get_absolute_url()).content.decode()
    data = ld_json(html)
    assert data["datePublished"] == "2023-06-01T15:00:00+06:00"
    assert data["dateModified"] == "2023-06-02T16:30:00+06:00"
    updated = re.search(r'<span class="updated">.*?</span>', html, re.S).group(0)
    assert 'datetime="2023-06-02T16:30:00+06:00"' in updated
    today = timezone.localdate()
    assert str(today.year) not in updated or today.year == 2023
    assert 'content="2023-06-02T16:30:00+06:00"' in html  # article:modified_time


def test_an_archive_story_never_changed_at_the_source_shows_no_update(export, client):
    run(export)
    story = Story.objects.get(headline=FORUM)
    assert story.updated_at == story.published_at
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="updated"' not in html
    data = ld_json(html)
    assert data["dateModified"] == data["datePublished"]


def test_an_edit_here_is_an_update_readers_are_told_of(export, client):
    run(export)
    story = Story.objects.get(headline=BANK)
    editor = make_editor()
    story.dek = "Мөлшерлеме өзгерген жоқ."
    services.story_save(story=story, user=editor, expected_version=story.version)
    story.refresh_from_db()
    assert story.updated_at.date() == timezone.now().date()
    html = client.get(story.get_absolute_url()).content.decode()
    assert ld_json(html)["dateModified"].startswith(
        timezone.localtime(story.updated_at).isoformat()[:16]
    )


# --- 9. sections and short links -------------------------------------------------


def test_nested_categories_keep_their_parents(export):
    run(export)
    banks = Category.objects.get(name="Банктер")
    assert banks.parent.name == "Қаржы"
    assert banks.parent.parent.name == "Экономика"
    assert banks.parent.parent.parent is None
    story = Story.objects.get(headline=BANK)
    assert story.category == banks  # the most specific of its categories
    assert not story.tags.filter(name="Экономика").exists()  # implied by the section
    assert Story.objects.get(headline=TENGE).category.name == "Қаржы"


def test_language_categories_make_no_section(export):
    run(export)
    names = set(Category.objects.values_list("name", flat=True))
    assert not names & {"Қазақша", "English", "Русский"}
    assert Story.objects.get(headline=BANK).language == "kk"
    assert Story.objects.get(headline=TENGE).language == "ru"
    # Қазақша > Қоғам: the section is Қоғам at the top; the parent gives the language
    # of a post its Latin-letter text would not tell.
    school = Story.objects.get(headline="Qazaqstanda jana mektep ashyldy")
    assert school.language == "kk"
    assert (school.category.name, school.category.parent) == ("Қоғам", None)
    forum = Story.objects.get(headline=FORUM)
    assert forum.language == "en"
    assert forum.category.name_en == "News"  # no subject category: general news
    assert not forum.tags.exists()


def test_no_section_without_public_stories_reaches_readers(export, client):
    run(export)
    culture = Category.objects.get(name="Мәдениет")  # only a draft is filed there
    sport = Category.objects.get(name="Спорт")  # only the protected post
    economy = Category.objects.get(name="Экономика")  # its stories are in subsections
    home = client.get(url("home")).content.decode()
    linked = set(re.findall(r'href="/kk/category/([^/]+)/"', home))
    assert culture.slug not in linked
    assert sport.slug not in linked
    assert economy.slug in linked
    sitemap = client.get("/sitemap-sections.xml").content.decode()
    assert f"/category/{culture.slug}/" not in sitemap
    assert f"/category/{sport.slug}/" not in sitemap
    assert f"/kk/category/{economy.slug}/" in sitemap
    banks = Category.objects.get(name="Банктер")
    assert f"/kk/category/{banks.slug}/" in sitemap
    # A section is reached in the languages it has stories in: News only in English.
    news = Story.objects.get(headline=FORUM).category
    assert news.slug not in linked
    english = client.get(url("home", "en")).content.decode()
    assert f'href="/en/category/{news.slug}/"' in english
    assert f"/en/category/{news.slug}/" in sitemap
    assert f"/kk/category/{news.slug}/" not in sitemap


def test_a_parent_section_shows_the_stories_of_its_subsections(export, client):
    run(export)
    economy = Category.objects.get(name="Экономика")
    page = client.get(url("category", slug=economy.slug)).content.decode()
    assert BANK in page
    feed = client.get(url("category_feed", slug=economy.slug)).content.decode()
    assert BANK in feed
    home = client.get(url("home")).content.decode()
    block = re.search(
        rf'<section class="section-block" aria-labelledby="section-{economy.slug}">'
        r"(.*?)</section>",
        home,
        re.S,
    )
    assert block is not None
    assert BANK in block.group(1)


@pytest.mark.parametrize(
    "address", ["/?p=4", "/?page_id=4", "/index.php?p=4", "/?p=4&utm_source=tg"]
)
def test_wordpress_short_links_lead_to_the_story(export, client, address):
    run(export)
    story = Story.objects.get(headline=BANK)
    response = client.get(address)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_short_links_the_import_does_not_know_go_on_as_before(export, client):
    run(export)
    assert ImportedItem.objects.get(wordpress_id=4).story.headline == BANK
    for address in ("/?p=999", "/?p=7", "/?p=abc", "/?p=5"):  # unknown, draft, junk
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/kk/"), address
    assert client.get("/").status_code == 302
