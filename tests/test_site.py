import json
import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template, loader
from django.urls import reverse
from django.utils import timezone, translation

from articles.core import cache as caching
from articles.models import Rendition, Status, Story, StoryReads, StoryRedirect
from articles.public import reads
from articles.workflow import services

from .factories import make_category, make_editor, make_story
from .site_data import (
    CORRECTION_NOTE,
    DRAFT_HEADLINE,
    EN_HEADLINE,
    KK_HEADLINE,
    RU_HEADLINE,
    SCHEDULED_HEADLINE,
    WITHDRAWN_HEADLINE,
    build_site,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
HIDDEN = [DRAFT_HEADLINE, SCHEDULED_HEADLINE, WITHDRAWN_HEADLINE]
OWN_HEADLINE = {"kk": KK_HEADLINE, "ru": RU_HEADLINE, "en": EN_HEADLINE}
# A word of the interface each language's pages must show.
INTERFACE_WORD = {"kk": "Түзетулер", "ru": "Исправления", "en": "Corrections"}


@pytest.fixture
def site():
    return build_site()


def url(name, language, *args, **kwargs):
    with translation.override(language):
        return reverse(f"articles:{name}", args=args, kwargs=kwargs)


def list_pages(site, language):
    year = timezone.localtime(site.kk.published_at)
    return [
        url("home", language),
        url("category", language, slug=site.category.slug),
        url("source", language, slug=site.source.slug),
        url("tag", language, slug=site.tag.slug),
        url("author", language, slug=site.author.slug),
        url("archive_year", language, year.year),
        url("archive_month", language, year.year, year.month),
        url("archive_day", language, year.year, year.month, year.day),
        url("corrections", language),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_list_page_answers_in_its_language(client, site, language):
    for address in list_pages(site, language):
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert INTERFACE_WORD[language] in html, address
        assert '<link rel="canonical"' in html
        assert re.search(r"<title>[^<]{3,}</title>", html)
        assert '<meta name="description" content="' in html
        for hidden in HIDDEN:
            assert hidden not in html, (address, hidden)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lists_show_only_their_language(client, site, language):
    html = client.get(url("category", language, slug=site.category.slug)).content
    html = html.decode()
    assert OWN_HEADLINE[language] in html
    for other, headline in OWN_HEADLINE.items():
        if other != language:
            assert headline not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_story_page_in_each_language(client, site, language):
    story = {"kk": site.kk, "ru": site.ru, "en": site.en}[language]
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{story.headline}</h1>" in html
    assert INTERFACE_WORD[language] in html or language == "en"
    # Links to the versions in the other two languages, by hreflang.
    for version in (site.kk, site.ru, site.en):
        absolute = f"http://testserver{version.get_absolute_url()}"
        assert (
            f'<link rel="alternate" hreflang="{version.language}" href="{absolute}">'
            in html
        )


def test_story_page_shows_everything_a_reader_needs(client, site):
    html = client.get(site.kk.get_absolute_url()).content.decode()
    assert "Облыс орталығындағы ауруханада" in html  # dek
    assert "Әйгерім Садықова" in html
    local = timezone.localtime(site.kk.published_at)
    assert f"{local.year} жылғы {local.day} " in html
    assert "деп хабарлайды TuraNews.kz" in html
    assert 'href="https://turanews.kz/kk/news/hospital"' in html
    assert CORRECTION_NOTE in html
    assert "Жасырын түзету" not in html
    assert site.tag.get_absolute_url() in html
    assert "breadcrumbs" in html
    assert 'aria-current="page"' in html
    assert "https://t.me/share/url?url=" in html
    assert 'href="#top"' in html
    assert 'property="og:title"' in html
    assert 'name="twitter:card"' in html
    assert 'property="og:image"' in html


def test_story_json_ld_describes_a_news_article(client, site):
    html = client.get(site.kk.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == KK_HEADLINE
    assert data["inLanguage"] == "kk"
    assert data["datePublished"].startswith(
        timezone.localtime(site.kk.published_at).strftime("%Y-%m-%dT%H:%M")
    )
    assert data["dateModified"]
    assert data["author"][0]["name"] == "Әйгерім Садықова"
    assert data["publisher"]["name"] == "TuraNews"
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/")
    assert data["image"][0]["url"].startswith("http://testserver/media/renditions/")
    assert data["correction"][0]["text"] == CORRECTION_NOTE
    assert data["mainEntityOfPage"]["@id"].endswith(site.kk.get_absolute_url())


def test_json_ld_cannot_break_out_of_its_script(client, site):
    site.kk.headline = "</script><script>alert(1)</script>"
    site.kk.save()
    html = client.get(site.kk.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_or_not_yet_due_stories_are_not_found(client, site, which):
    story = getattr(site, which)
    assert client.get(story.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_withdrawn_story_is_gone_in_readers_language(client, site, language):
    with translation.override(language):
        address = reverse(
            "articles:story",
            kwargs={"category": site.category.slug, "slug": site.withdrawn.slug},
        )
    response = client.get(address)
    assert response.status_code == 410
    assert f'<html lang="{language}"' in response.content.decode()
    assert WITHDRAWN_HEADLINE not in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_pages_answer_404_in_the_site_design(client, site, language):
    response = client.get(f"/{language}/no-such-section/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'class="site-header"' in html
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    for other in LANGUAGES:
        assert f'href="/{other}/"' in switcher
    assert client.get(url("category", language, slug="nope")).status_code == 404
    for bad in ["2023/13", "2023/2/30", "1", "1/1/1", "9999", "99999999999999999999"]:
        assert client.get(f"/{language}/archive/{bad}/").status_code == 404, bad


def test_500_page_is_translated(client):
    with translation.override("ru"):
        html = loader.get_template("500.html").render()  # as Django's handler does
    assert '<html lang="ru"' in html
    assert "TuraNews" in html
    assert "Что-то пошло не так" in html


def test_story_in_another_languages_prefix_redirects_to_its_own(client, site):
    wrong = url("story", "ru", category=site.category.slug, slug=site.kk.slug)
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == site.kk.get_absolute_url()


def edit(story, **changes):
    """Save changes to story as an editor would, through the workflow's service."""
    for name, value in changes.items():
        setattr(story, name, value)
    return services.story_save(
        story=story, user=make_editor(), expected_version=story.version
    )


def test_changed_category_and_slug_answer_301(client, site):
    old = site.kk.get_absolute_url()
    edit(site.kk, category=site.other_category)
    moved = site.kk.get_absolute_url()
    assert moved != old
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == moved
    edit(site.kk, slug="zhana-aurukhana")
    for address in (old, moved):
        response = client.get(address)
        assert response.status_code == 301
        assert response["Location"] == site.kk.get_absolute_url()
    assert StoryRedirect.objects.filter(story=site.kk).count() == 2
    assert client.get(site.kk.get_absolute_url()).status_code == 200


def test_renaming_a_draft_leaves_no_redirect(site):
    edit(site.draft, slug="another-slug")
    assert not StoryRedirect.objects.exists()


def test_saving_a_story_elsewhere_writes_no_redirect(client, site):
    """Only the service that changes an address writes the redirect, not save()."""
    old = site.kk.get_absolute_url()
    site.kk.slug = "saved-around-the-service"
    site.kk.save()
    assert not StoryRedirect.objects.exists()
    assert client.get(old).status_code == 404


def test_moving_back_to_an_old_address_drops_its_redirect(client, site):
    first_slug, first = site.kk.slug, site.kk.get_absolute_url()
    edit(site.kk, slug="for-a-while")
    meanwhile = site.kk.get_absolute_url()
    edit(site.kk, slug=first_slug)
    assert site.kk.get_absolute_url() == first
    assert client.get(first).status_code == 200
    assert not StoryRedirect.objects.filter(old_path=first).exists()
    response = client.get(meanwhile)
    assert response.status_code == 301
    assert response["Location"] == first


def test_redirect_of_a_withdrawn_story_is_gone_not_a_redirect(client, site):
    old = site.withdrawn.get_absolute_url()
    edit(site.withdrawn, slug="renamed-withdrawn")
    assert client.get(old).status_code == 410


def test_kazakh_dates_read_naturally():
    moment = datetime(2023, 10, 17, 10, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    template = Template('{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override("kk"), timezone.override("Asia/Almaty"):
        assert template.render(Context({"moment": moment})) == (
            "2023 жылғы 17 қазан, 10:30"
        )
    with translation.override("ru"), timezone.override("Asia/Almaty"):
        assert template.render(Context({"moment": moment})) == (
            "17 октября 2023 г. 10:30"
        )


def test_language_switcher_links_story_versions(client, site):
    html = client.get(site.kk.get_absolute_url()).content.decode()
    nav = html.split('class="languages"')[1].split("</nav>")[0]
    assert f'href="{site.ru.get_absolute_url()}"' in nav
    assert f'href="{site.en.get_absolute_url()}"' in nav
    html = client.get(url("category", "kk", slug=site.category.slug)).content
    nav = html.decode().split('class="languages"')[1].split("</nav>")[0]
    assert f'href="{url("category", "ru", slug=site.category.slug)}"' in nav


def test_story_without_translation_switches_to_other_front_pages(client, site):
    lone = make_story("Жалғыз жаңалық", status=Status.PUBLISHED, category=site.category)
    html = client.get(lone.get_absolute_url()).content.decode()
    assert 'hreflang="ru" href="http://testserver/ru/' not in html
    nav = html.split('class="languages"')[1].split("</nav>")[0]
    assert 'href="/ru/"' in nav


def test_pictures_have_renditions_srcset_and_size(client, site):
    html = client.get(site.kk.get_absolute_url()).content.decode()
    hero = html.split('class="hero"')[1].split("</figure>")[0]
    assert '<source type="image/webp" srcset="' in hero
    assert " 320w" in hero
    assert " 1280w" in hero
    assert 'sizes="' in hero
    assert 'width="1280" height="720"' in hero
    assert 'loading="lazy"' not in hero
    widths = set(
        Rendition.objects.filter(image=site.kk.hero_image).values_list(
            "width", flat=True
        )
    )
    assert widths == {320, 640, 960, 1280}


def test_renditions_are_made_once_and_reused(client, site):
    count = Rendition.objects.count()
    client.get(url("home", "ru"))
    client.get(site.ru.get_absolute_url())
    assert Rendition.objects.count() == count
    html = client.get(url("category", "ru", slug=site.category.slug)).content
    assert b'loading="lazy"' in html or b'fetchpriority="high"' in html


def test_home_shows_sections_and_lead(client, site):
    html = client.get(url("home", "kk")).content.decode()
    assert KK_HEADLINE in html
    assert 'class="section-title"' in html
    assert site.category.get_absolute_url() in html


def test_corrections_page_lists_only_public_corrections(client, site):
    html = client.get(url("corrections", "kk")).content.decode()
    assert CORRECTION_NOTE in html
    assert "Жасырын түзету" not in html


def test_robots_txt_points_to_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text


def test_pages_work_without_javascript_forms(client, site):
    html = client.get(url("home", "kk")).content.decode()
    assert "csrfmiddlewaretoken" not in html  # nothing that needs a session
    assert 'href="#main"' in html


def test_anonymous_pages_are_cached_until_an_editorial_change(client, site):
    home = url("home", "kk")
    client.get(home)
    site.kk.headline = "Жаңа тақырып"
    site.kk.save()
    assert KK_HEADLINE in client.get(home).content.decode()
    caching.purge_public()
    assert "Жаңа тақырып" in client.get(home).content.decode()


def test_reads_are_counted_in_the_cache_and_flushed(client, site):
    address = site.kk.get_absolute_url()
    rows = StoryReads.objects.filter(story=site.kk)
    for _ in range(3):
        client.get(address)
    assert not rows.exists()  # an ordinary page view writes nothing
    assert reads.flush_all() == 3
    assert rows.get().count == 3
    for _ in range(reads.FLUSH_EVERY):
        client.get(address)
    assert rows.get().count == 3 + reads.FLUSH_EVERY
    assert reads.flush_all() == 0


def test_an_old_batch_of_reads_is_written_on_the_next_read(client, site, monkeypatch):
    address = site.kk.get_absolute_url()
    client.get(address)
    later = reads.time.time() + reads.FLUSH_SECONDS + 1
    monkeypatch.setattr(reads.time, "time", lambda: later)
    client.get(address)
    assert StoryReads.objects.get(story=site.kk).count == 2


def test_hidden_stories_are_never_counted_or_listed_as_most_read(client, site):
    client.get(site.draft.get_absolute_url())
    client.get(site.scheduled.get_absolute_url())
    client.get(site.withdrawn.get_absolute_url())
    reads.flush_all()
    assert not StoryReads.objects.exists()
    StoryReads.objects.create(story=site.draft, day=timezone.localdate(), count=999)
    client.get(site.kk.get_absolute_url())
    reads.flush_all()
    caching.purge_public()
    assert list(reads.most_read("kk")) == [site.kk]
    html = client.get(url("home", "kk")).content.decode()
    rail = html.split('class="most-read"')[1].split("</aside>")[0]
    assert KK_HEADLINE in rail
    assert DRAFT_HEADLINE not in rail


def test_subsections_do_not_get_home_blocks_but_stories_show(client, site):
    child = make_category("Балалар денсаулығы", parent=site.category)
    make_story("Балаларға арналған жаңалық", status=Status.PUBLISHED, category=child)
    html = client.get(url("home", "kk")).content.decode()
    assert "Балаларға арналған жаңалық" in html


def test_make_renditions_command_fills_the_gaps(site):
    from django.core.management import call_command

    from .factories import make_image

    small = make_image(alt_text="Кішкентай сурет")
    call_command("make_renditions", stdout=open(os.devnull, "w"))  # noqa: SIM115
    made = set(Rendition.objects.filter(image=small).values_list("width", "format"))
    assert made == {(64, "jpeg"), (64, "webp")}  # never enlarged


def test_pages_with_unknown_parameters_are_not_cached(client, site):
    address = url("home", "kk") + "?utm_source=x"
    client.get(address)
    site.kk.headline = "Жаңа тақырып"
    site.kk.save()
    assert "Жаңа тақырып" in client.get(address).content.decode()


def test_signed_in_editors_get_fresh_pages(client, site):
    from .factories import make_editor

    home = url("home", "kk")
    client.get(home)
    site.kk.headline = "Жаңа тақырып"
    site.kk.save()
    client.force_login(make_editor())
    assert "Жаңа тақырып" in client.get(home).content.decode()


def test_related_stories_come_from_the_section_first(client, site):
    same = make_story(
        "Денсаулық туралы тағы бір жаңалық",
        status=Status.PUBLISHED,
        category=site.category,
    )
    other = make_story(
        "Экономика туралы жаңалық",
        status=Status.PUBLISHED,
        category=site.other_category,
    )
    make_story("Орысша жаңалық", status=Status.PUBLISHED, language="ru")
    html = client.get(site.kk.get_absolute_url()).content.decode()
    related = html.split('class="related"')[1]
    assert related.index(same.headline) < related.index(other.headline)
    assert "Орысша жаңалық" not in related
    assert DRAFT_HEADLINE not in related
    assert SCHEDULED_HEADLINE not in related


def test_home_keeps_a_block_for_the_first_sections_only(client):
    from articles.public.front import HOME_SECTIONS

    sections = [
        make_category(f"Бөлім {n}", position=n) for n in range(HOME_SECTIONS + 3)
    ]
    for section in sections:
        make_story(status=Status.PUBLISHED, category=section, language="kk")
    html = client.get(url("home", "kk")).content.decode()
    shown = re.findall(
        r'<section class="section-block" aria-labelledby="([^"]+)"', html
    )
    assert shown == [f"section-{s.slug}" for s in sections[:HOME_SECTIONS]]


def test_the_related_box_follows_publications_edits_and_withdrawals_at_once(
    client, site, settings, django_capture_on_commit_callbacks
):
    # Rendered anew each time; the box itself is shared by the section's pages.
    settings.NEWSROOM_PAGE_CACHE = False
    page = site.kk.get_absolute_url()

    def related():
        return client.get(page).content.decode().split('class="related"')[-1]

    neighbour = make_story(
        "Денсаулық: жаңа емхана", status=Status.APPROVED, category=site.category
    )
    assert neighbour.headline not in related()
    chief = make_editor()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story_id=neighbour.pk, user=chief, action="publish")
    assert neighbour.headline in related()
    neighbour.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        edit(neighbour, headline="Денсаулық: емхана ашылды")
    assert "Денсаулық: емхана ашылды" in related()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story_id=neighbour.pk, user=chief, action="unpublish", note="Қате"
        )
    assert "Денсаулық: емхана" not in related()


def test_the_front_page_follows_a_section_moved_below_another(client, site, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    sport = make_category("Спорт", slug="sport")
    story = make_story("Футбол жаңалығы", status=Status.PUBLISHED, category=sport)
    home = url("home", "kk")

    def block_of(headline):
        html = client.get(home).content.decode()
        for block in html.split('<section class="section-block"')[1:]:
            if headline in block:
                return block.split("</h2>")[0]
        return None

    assert "Спорт" in block_of(story.headline)
    # The section becomes a subsection of Health: its stories join Health's block.
    sport.parent = site.category
    sport.save()
    caching.purge_public({"nav"})  # as the catalogue's services do
    assert site.category.name in block_of(story.headline)


def test_a_sections_pages_list_its_stories_once_each_newest_first(client, site):
    from datetime import timedelta

    from articles.public.views import PAGE_SIZE

    child = make_category("Балалар денсаулығы", parent=site.category)
    start = timezone.now() - timedelta(days=1)
    made = [
        make_story(
            f"Бөлім жаңалығы {n:02d}",
            status=Status.PUBLISHED,
            category=child if n % 3 == 0 else site.category,
            published_at=start + timedelta(minutes=n // 2),  # pairs at one minute
        )
        for n in range(PAGE_SIZE + 7)
    ]
    address = site.category.get_absolute_url()
    listed = []
    for page in (1, 2):
        html = client.get(f"{address}?page={page}").content.decode()
        listed += re.findall(
            r"Бөлім жаңалығы \d\d", html.split('<aside class="list-rail')[0]
        )
    expected = sorted(made, key=lambda s: (s.published_at, s.created_at), reverse=True)
    assert listed == [s.headline for s in expected]


def latest_rail(html):
    return html.split('id="rail-latest"')[1].split("</section>")[0]


def test_the_rails_beside_a_list_follow_the_day_and_an_edit(
    client, site, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The rails are rendered once for every list page; the next day today's
    times show their day, and an edit of a story they show reaches them at once."""
    from datetime import timedelta

    settings.NEWSROOM_PAGE_CACHE = False
    # The day's first minute: today, and already past whenever the test runs.
    moment = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Story.objects.filter(pk=site.kk.pk).update(published_at=moment)
    caching.purge_public()
    section = url("category", "kk", slug=site.category.slug)
    today = latest_rail(client.get(section).content.decode())
    assert ">00:00</time>" in today
    assert KK_HEADLINE in today
    with django_capture_on_commit_callbacks(execute=True):
        edit(site.kk, headline="Рельстегі жаңа тақырып")
    edited = latest_rail(client.get(section).content.decode())
    assert "Рельстегі жаңа тақырып" in edited
    assert KK_HEADLINE not in edited
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    next_day = latest_rail(client.get(section).content.decode())
    assert ">00:00</time>" not in next_day
    assert ", 00:00</time>" in next_day
