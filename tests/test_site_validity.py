"""Every public page passes the Nu HTML checker; the things it and axe-core found
once stay fixed: heading order, landmark names, times, the home title, favicons."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Status

from .factories import make_editor, make_image, make_story
from .site_data import build_site
from .test_html import pages
from .validator import nu_errors

pytestmark = pytest.mark.django_db

WORDPRESS = Path(__file__).resolve().parent / "fixtures/wordpress"

# What CKEditor 5 sends for a story using every block it offers (saved as is).
EDITOR_BODY = (
    "<p>Кітапхана <strong>қыркүйекте</strong> ашылды, деп хабарлайды "
    '<a href="https://turanews.kz/kk/">TuraNews.kz</a>.</p>'
    "<h2>Оқу залдары</h2><p>Ғимаратта үш зал бар:</p>"
    "<ul><li>балалар залы</li><li>мерзімді басылымдар залы</li></ul>"
    "<ol><li>бірінші қабат</li><li>екінші қабат</li></ol>"
    "<h3>Кесте</h3>"
    '<figure class="table"><table><thead><tr><th>Зал</th><th>Орын</th></tr></thead>'
    "<tbody><tr><td>Балалар</td><td>40</td></tr></tbody></table></figure>"
    "<blockquote><p>Кітап оқитын ел озады.</p></blockquote>"
    '<figure class="image"><img src="{src}" alt="Оқу залы" width="64" height="48">'
    "<figcaption>Кітапхананың оқу залы</figcaption></figure>"
    '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
    "</oembed></figure>"
)


@pytest.fixture
def site(tmp_path):
    site = build_site()
    image = make_image(alt_text="Оқу залы")
    editor_story = make_story(
        "Алматыда жаңа кітапхана ашылды",
        status=Status.PUBLISHED,
        category=site.category,
        body=EDITOR_BODY.format(src=image.file.url),
    )
    shutil.copy(WORDPRESS / "export.xml", tmp_path / "export.xml")
    shutil.copytree(WORDPRESS / "uploads", tmp_path / "uploads")
    # The command answers in the language it is set to; keep the test's own.
    with translation.override("kk"):
        call_command(
            "import_wordpress", str(tmp_path / "export.xml"), stdout=io.StringIO()
        )
    site.extra = [editor_story]
    return site


def public_pages(site, language):
    from articles.models import Story

    addresses = pages(site, language)
    addresses += [
        s.get_absolute_url()
        for s in Story.objects.published().in_language(language)
        if s.pk not in (site.kk.pk, site.ru.pk, site.en.pk)
    ]
    addresses.append(site.withdrawn.get_absolute_url())
    return addresses


def fetch_all(client, site):
    documents = {}
    for language in ("kk", "ru", "en"):
        for address in public_pages(site, language):
            response = client.get(address)
            assert response.status_code in (200, 404, 410), address
            documents[address] = response.content.decode()
    return documents


def test_every_public_page_passes_the_nu_checker(client, site, tmp_path):
    documents = fetch_all(client, site)
    assert len(documents) > 30
    errors = nu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)


def test_times_carry_no_more_than_milliseconds(client, site):
    for address, html in fetch_all(client, site).items():
        for value in re.findall(r'<time datetime="([^"]*)"', html):
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?[+-]\d\d:\d\d", value
            ), (address, value)


def headings(html):
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def test_no_heading_level_is_skipped(client, site):
    for address, html in fetch_all(client, site).items():
        levels = headings(html)
        assert levels.count(1) == 1, address
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (address, levels)


def test_each_navigation_has_its_own_name(client, site):
    html = client.get("/kk/").content.decode()
    names = re.findall(r'<nav[^>]*aria-label(?:ledby)?="([^"]+)"', html)
    resolved = [
        re.sub(r"<[^>]+>", "", re.search(rf'id="{n}"[^>]*>(.*?)</', html).group(1))
        if re.search(rf'id="{n}"', html)
        else n
        for n in names
    ]
    assert len(resolved) == len(set(resolved)) >= 3, resolved


def test_home_title_names_the_site_once_and_whole(client, site):
    for language, tagline in [
        ("kk", "Қазақстан мен әлем жаңалықтары"),
        ("ru", "Новости Казахстана и мира"),
        ("en", "News of Kazakhstan and the world"),
    ]:
        html = client.get(f"/{language}/").content.decode()
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        assert title == f"TuraNews — {tagline}", title


def test_media_embeds_reach_readers_as_links(client, site):
    html = client.get(site.extra[0].get_absolute_url()).content.decode()
    assert "<oembed" not in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html


def test_admin_pages_name_their_icon_and_favicon_ico_answers(client):
    client.force_login(make_editor())
    for address in [reverse("admin:index"), reverse("admin:articles_story_add")]:
        html = client.get(address).content.decode()
        assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', html), address
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200


def test_list_pages_give_each_story_an_h2_under_the_h1(client, site):
    with translation.override("kk"):
        address = site.category.get_absolute_url()
    html = client.get(address).content.decode()
    assert headings(html)[:2] == [1, 2]
    assert '<h2 class="card-title">' in html


def test_the_search_page_names_its_two_search_forms_apart(client, site):
    with translation.override("kk"):
        address = reverse("articles:search") + "?q=аурухана"
    html = client.get(address).content.decode()
    forms = re.findall(r'<form[^>]*role="search"[^>]*>', html)
    names = [re.search(r'aria-label="([^"]*)"', f) for f in forms]
    assert len(forms) == 2
    assert len({n.group(1) if n else None for n in names}) == 2, forms
