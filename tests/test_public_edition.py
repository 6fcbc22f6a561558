"""The Kazakh Latin-script edition under /kk-latn/: the Kazakh site, spelled."""

import json
import re

import html5lib
import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import translation

from articles.core.latin import to_latin
from articles.models import Status

from .factories import make_editor, make_story
from .site_data import EN_HEADLINE, KK_HEADLINE, RU_HEADLINE, build_site
from .test_site import HIDDEN, edit, list_pages

pytestmark = pytest.mark.django_db

LATIN = "kk-latn"
KK_LATIN = to_latin(KK_HEADLINE)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Attributes people read or hear; their words must be Latin too.
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
TEXT_META = {"description", "og:title", "og:description", "article:section"}


@pytest.fixture
def site():
    return build_site()


def latin(path: str) -> str:
    assert path.startswith("/kk/"), path
    return "/kk-latn/" + path.removeprefix("/kk/")


def cyrillic_left(html: str) -> list[str]:
    """Return the Cyrillic words a reader of the page would meet, with where."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found = []

    def walk(element, kept):
        lang = element.get("lang")
        kept = kept or element.tag in ("script", "style", "code", "pre")
        kept = kept or (lang is not None and lang != "kk-Latn")
        for name in READ_ATTRIBUTES:
            if not kept and CYRILLIC.search(element.get(name) or ""):
                found.append(f"{element.tag}[{name}]={element.get(name)}")
        meta = element.get("name") or element.get("property")
        content = element.get("content") or ""
        if element.tag == "meta" and meta in TEXT_META and CYRILLIC.search(content):
            found.append(f"meta {meta}={content}")
        for text in (element.text, *(child.tail for child in element)):
            if text and not kept and CYRILLIC.search(text):
                found.append(f"{element.tag}: {text.strip()[:60]}")
        for child in element:
            if isinstance(child.tag, str):
                walk(child, kept)

    walk(tree, False)
    return found


class TestPages:
    def test_every_kazakh_page_has_a_latin_twin_without_cyrillic(self, client, site):
        pages = [*list_pages(site, LATIN), latin(site.kk.get_absolute_url())]
        for address in pages:
            assert address.startswith("/kk-latn/"), address
            response = client.get(address)
            assert response.status_code == 200, address
            assert response["Content-Language"] == "kk-Latn"
            html = response.content.decode()
            assert '<html lang="kk-Latn">' in html
            assert "Tüzetuler" in html, address  # the interface: "Түзетулер"
            assert cyrillic_left(html) == [], address
            for hidden in HIDDEN:
                assert to_latin(hidden) not in html

    def test_the_edition_shows_the_same_kazakh_stories(self, client, site):
        for language in ("kk", LATIN):
            with translation.override(language):
                address = reverse(
                    "articles:category", kwargs={"slug": site.category.slug}
                )
            html = client.get(address).content.decode()
            assert (KK_LATIN if language == LATIN else KK_HEADLINE) in html
            assert RU_HEADLINE not in html
            assert EN_HEADLINE not in html
            assert to_latin(RU_HEADLINE) not in html

    def test_stories_keep_their_ascii_slug_and_link_within_the_edition(
        self, client, site
    ):
        with translation.override(LATIN):
            address = site.kk.get_absolute_url()
        assert address == latin(site.kk.get_absolute_url())
        assert address.isascii()
        html = client.get(latin(reverse("articles:home"))).content.decode()
        assert f'href="{address}"' in html
        assert f'href="{site.kk.get_absolute_url()}"' not in html

    def test_story_page_reads_in_latin(self, client, site):
        html = client.get(latin(site.kk.get_absolute_url())).content.decode()
        assert f"<h1>{KK_LATIN}</h1>" in html
        assert "Äigerım Sadyqova" in html  # the author, Әйгерім Садықова
        assert "dep habarlaidy TuraNews.kz" in html  # the source's attribution
        assert '<article class="story" lang="kk-Latn">' in html
        assert 'alt="Auruhana dälızı"' in html  # the picture's alt text

    def test_other_languages_under_the_latin_prefix_go_to_their_own(self, client, site):
        wrong = "/kk-latn/" + site.ru.get_absolute_url().removeprefix("/ru/")
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == site.ru.get_absolute_url()

    def test_an_old_address_redirects_within_the_edition(self, client, site):
        old = site.kk.get_absolute_url()
        edit(site.kk, slug="zhana-aurukhana")
        response = client.get(latin(old))
        assert response.status_code == 301
        assert response["Location"] == latin(site.kk.get_absolute_url())

    def test_withdrawn_and_hidden_stories_stay_hidden(self, client, site):
        assert client.get(latin(site.withdrawn.get_absolute_url())).status_code == 410
        for story in (site.draft, site.scheduled):
            assert client.get(latin(story.get_absolute_url())).status_code == 404
        response = client.get("/kk-latn/no-such-section/no-such-story/")
        assert response.status_code == 404
        assert '<html lang="kk-Latn">' in response.content.decode()

    def test_the_length_sent_is_the_length_of_the_spelled_page(self, client, site):
        # The search page is spelled by the middleware, after Content-Length is set.
        for address in ("/kk-latn/search/?q=Түркістан", "/kk-latn/no-such-page/x/"):
            response = client.get(address)
            assert KK_LATIN in response.content.decode() or response.status_code == 404
            assert int(response["Content-Length"]) == len(response.content), address

    def test_a_cached_latin_page_is_served_spelled_without_queries(
        self, client, site, django_assert_num_queries
    ):
        address = latin(site.kk.get_absolute_url())
        first = client.get(address).content
        with django_assert_num_queries(0):
            again = client.get(address)
        assert again.content == first
        assert KK_HEADLINE not in again.content.decode()


class TestSwitchAndAlternates:
    def scripts(self, html):
        return html.split('<ul class="scripts">')[1].split("</ul>")[0]

    def test_the_header_switches_script_on_the_same_page(self, client, site):
        cyrillic = site.kk.get_absolute_url()
        for address, current in ((cyrillic, "Кирилл"), (latin(cyrillic), "Latyn")):
            switch = self.scripts(client.get(address).content.decode())
            assert f'href="{cyrillic}" hreflang="kk" lang="kk"' in switch
            assert f'href="{latin(cyrillic)}" hreflang="kk-Latn"' in switch
            assert f'aria-current="true">{current}<' in switch
        category = site.category.get_absolute_url()
        switch = self.scripts(client.get(latin(category)).content.decode())
        assert f'href="{category}"' in switch

    def test_russian_and_english_pages_have_no_script_switch(self, client, site):
        for story in (site.ru, site.en):
            html = client.get(story.get_absolute_url()).content.decode()
            assert '<ul class="scripts">' not in html
            assert 'hreflang="kk-Latn"' in html  # still an alternate

    def test_hreflang_alternates_name_all_four_editions(self, client, site):
        for address in (site.kk.get_absolute_url(), latin(site.kk.get_absolute_url())):
            html = client.get(address).content.decode()
            links = dict(
                re.findall(
                    r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html
                )
            )
            assert links == {
                "kk": f"http://testserver{site.kk.get_absolute_url()}",
                "x-default": f"http://testserver{site.kk.get_absolute_url()}",
                "kk-Latn": f"http://testserver{latin(site.kk.get_absolute_url())}",
                "ru": f"http://testserver{site.ru.get_absolute_url()}",
                "en": f"http://testserver{site.en.get_absolute_url()}",
            }

    def test_json_ld_names_the_latin_edition(self, client, site):
        html = client.get(latin(site.kk.get_absolute_url())).content.decode()
        data = json.loads(
            html.split('<script type="application/ld+json">')[1].split("</script>")[0]
        )
        assert data["inLanguage"] == "kk-Latn"
        assert data["headline"] == KK_LATIN
        assert data["articleSection"] == "Densaulyq"
        assert data["author"][0]["name"] == "Äigerım Sadyqova"
        assert data["url"].endswith(latin(site.kk.get_absolute_url()))
        assert not CYRILLIC.search(json.dumps(data, ensure_ascii=False))


class TestStoryText:
    BODY = (
        '<p>Толығы <a href="https://example.kz/жаңалық?q=қала">сілтемеде</a>.</p>'
        "<ul><li>бірінші</li><li>екінші</li></ul>"
        "<pre><code>print('сәлем')</code></pre>"
        '<figure class="media"><oembed url="https://youtu.be/abc"></oembed></figure>'
    )

    def test_only_text_nodes_of_the_story_change(self, client, site):
        story = make_story(
            "Мәтін сынағы",
            status=Status.PUBLISHED,
            category=site.category,
            body=self.BODY,
        )
        html = client.get(latin(story.get_absolute_url())).content.decode()
        body = html.split('<div class="story-body">')[1].split("</div>")[0]
        assert body == (
            '<p>Tolyğy <a href="https://example.kz/жаңалық?q=қала" rel="noopener '
            'noreferrer">sıltemede</a>.</p>'
            "<ul><li>bırınşı</li><li>ekınşı</li></ul>"
            "<pre><code>print('сәлем')</code></pre>"
            # Embeds reach readers as a plain link to the video, untouched.
            '<figure class="media"><a class="embed-link" href="https://youtu.be/abc" '
            'rel="noopener">https://youtu.be/abc</a></figure>'
        )

    def test_overrides_spell_names_everywhere_the_story_appears(self, client, site):
        story = make_story(
            "Самсунг Түркістанда зауыт ашты",
            status=Status.PUBLISHED,
            category=site.category,
            dek="Самсунгтың жаңа зауыты.",
            body="<p>Самсунг компаниясы.</p>",
            latin_overrides="Самсунг = Samsung",
        )
        html = client.get(latin(story.get_absolute_url())).content.decode()
        assert "<h1>Samsung Türkıstanda zauyt aşty</h1>" in html
        assert "Samsungtyñ jaña zauyty." in html
        assert "<p>Samsung kompaniiasy.</p>" in html
        assert '"headline": "Samsung Türkıstanda zauyt aşty"' in html
        assert "Samsuñ" not in html
        listing = client.get(latin(site.category.get_absolute_url())).content.decode()
        assert "Samsung Türkıstanda zauyt aşty" in listing
        feed = client.get("/kk-latn/feed/").content.decode()
        assert "<title>Samsung Türkıstanda zauyt aşty</title>" in feed
        # The Cyrillic edition is untouched.
        html = client.get(story.get_absolute_url()).content.decode()
        assert "<h1>Самсунг Түркістанда зауыт ашты</h1>" in html


class TestFeedsAndSearch:
    def test_feeds_of_the_edition_are_in_latin(self, client, site):
        for address in ("/kk-latn/feed/", "/kk-latn/feed/atom/"):
            response = client.get(address)
            assert response.status_code == 200
            root = ElementTree.fromstring(response.content)
            text = response.content.decode()
            assert KK_LATIN in text
            assert KK_HEADLINE not in text
            assert f"http://testserver{latin(site.kk.get_absolute_url())}" in text
            assert not CYRILLIC.search(text), address
            language = root.find("channel/language")
            if language is not None:
                assert language.text == "kk-Latn"
            else:
                assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == (
                    "kk-Latn"
                )

    @pytest.mark.parametrize(
        "query", ["Türkistan", "TÜRKİSTAN", "Türkıstan", "Түркістан"]
    )
    @pytest.mark.parametrize("language", ["kk", LATIN])
    def test_search_in_either_script_finds_the_story(
        self, client, site, language, query
    ):
        with translation.override(language):
            address = reverse("articles:search")
        html = client.get(address, {"q": query}).content.decode()
        with translation.override(language):
            link = site.kk.get_absolute_url()
        assert f'href="{link}"' in html


class TestAdminStaysCyrillic:
    def test_a_browser_asking_for_kk_latn_gets_the_admin_in_kazakh(self, client):
        client.force_login(make_editor())
        response = client.get(
            reverse("admin:articles_story_changelist"),
            HTTP_ACCEPT_LANGUAGE="kk-Latn",
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="kk"' in html
        assert "Content-Language" not in response or response["Content-Language"] == (
            "kk"
        )


def test_a_renamed_section_reaches_the_latin_edition_at_once(
    client, site, django_capture_on_commit_callbacks
):
    from articles.workflow import catalog

    from .factories import make_chief

    client.get("/kk-latn/")  # the Latin section links are now kept in the cache
    category = site.category
    category.name = "Жаңа айдар"
    with django_capture_on_commit_callbacks(execute=True):
        catalog.item_save(
            obj=category, user=make_chief(), expected_version=category.version
        )
    page = client.get("/kk-latn/").content.decode()
    links = page.split('<nav class="sections"')[1].split("</nav>")[0]
    assert to_latin("Жаңа айдар") in links


def test_a_story_without_a_dek_is_summed_up_by_the_start_of_its_text(client):
    """Search engines and shares get the first 300 characters of the text, spelled
    with the story's own overrides in the Latin edition."""
    words = "Жаңалық Алматыда өтті, қала тұрғындары жиналды. " * 12
    story = make_story(
        "Қала жаңалығы",
        status=Status.PUBLISHED,
        dek="",
        body=f"<p>{words}</p>",
        latin_overrides="Жаңалық = Janalyq",
    )
    story.refresh_from_db()
    start = story.body_text[:300]
    assert len(story.body_text) > 300
    for address, expected in (
        (story.get_absolute_url(), start),
        (latin(story.get_absolute_url()), to_latin(start, "Жаңалық = Janalyq")),
    ):
        html = client.get(address).content.decode()
        assert f'<meta name="description" content="{expected}">' in html
        data = json.loads(
            html.split('<script type="application/ld+json">')[1].split("</script>")[0]
        )
        assert data["description"] == expected
    assert "Janalyq" in expected
