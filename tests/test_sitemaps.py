from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.models import Status

from .factories import make_story
from .site_data import DRAFT_HEADLINE, SCHEDULED_HEADLINE, build_site

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def site():
    return build_site()


def xml(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    return ElementTree.fromstring(response.content)


def sitemap_urls(client):
    """Follow the sitemap index and return every <url> by its address."""
    index = xml(client, "/sitemap.xml")
    urls = {}
    for entry in index.findall("s:sitemap", NS):
        address = entry.find("s:loc", NS).text.removeprefix("http://testserver")
        for url in xml(client, address).findall("s:url", NS):
            urls[url.find("s:loc", NS).text] = url
    return urls


def absolute(story):
    return f"http://testserver{story.get_absolute_url()}"


def test_sitemap_lists_public_stories_with_hreflang_alternates(client, site):
    urls = sitemap_urls(client)
    assert absolute(site.kk) in urls
    for hidden in (site.draft, site.scheduled, site.withdrawn):
        assert absolute(hidden) not in urls
    links = {
        link.get("hreflang"): link.get("href")
        for link in urls[absolute(site.ru)].findall("x:link", NS)
    }
    latin = absolute(site.kk).replace("/kk/", "/kk-latn/", 1)
    assert links == {
        "kk": absolute(site.kk),
        "kk-Latn": latin,
        "ru": absolute(site.ru),
        "en": absolute(site.en),
    }
    assert urls[absolute(site.kk)].find("s:lastmod", NS) is not None


def test_sitemap_lists_the_latin_edition_of_kazakh_stories(client, site):
    urls = sitemap_urls(client)
    latin = absolute(site.kk).replace("/kk/", "/kk-latn/", 1)
    assert latin in urls
    links = {
        link.get("hreflang"): link.get("href")
        for link in urls[latin].findall("x:link", NS)
    }
    assert links["kk-Latn"] == latin and links["kk"] == absolute(site.kk)
    assert absolute(site.ru).replace("/ru/", "/kk-latn/", 1) not in urls
    for hidden in (site.draft, site.scheduled, site.withdrawn):
        assert absolute(hidden).replace("/kk/", "/kk-latn/", 1) not in urls


def test_sitemap_lists_sections_in_every_language(client, site):
    urls = sitemap_urls(client)
    for language in ("kk", "kk-latn", "ru", "en"):
        address = f"http://testserver/{language}/category/{site.category.slug}/"
        assert address in urls
        hreflangs = {x.get("hreflang") for x in urls[address].findall("x:link", NS)}
        assert hreflangs == {"kk", "kk-Latn", "ru", "en"}


def test_news_sitemap_holds_the_last_48_hours(client, site):
    old = make_story(
        "Үш күн бұрынғы жаңалық",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=49),
        category=site.category,
    )
    root = xml(client, "/news-sitemap.xml")
    entries = {
        u.find("s:loc", NS).text: u.find("n:news", NS)
        for u in root.findall("s:url", NS)
    }
    assert absolute(site.kk) in entries
    assert absolute(old) not in entries
    news = entries[absolute(site.kk)]
    assert news.find("n:publication/n:name", NS).text == "TuraNews"
    assert news.find("n:publication/n:language", NS).text == "kk"
    assert news.find("n:title", NS).text == site.kk.headline
    assert news.find("n:publication_date", NS).text.startswith(
        str(timezone.localtime(site.kk.published_at).year)
    )
    titles = {n.find("n:title", NS).text for n in entries.values()}
    assert DRAFT_HEADLINE not in titles and SCHEDULED_HEADLINE not in titles
