import feedparser
import pytest
from django.urls import reverse
from django.utils import translation

from .site_data import (
    DRAFT_HEADLINE,
    EN_HEADLINE,
    KK_HEADLINE,
    RU_HEADLINE,
    SCHEDULED_HEADLINE,
    WITHDRAWN_HEADLINE,
    build_site,
)

pytestmark = pytest.mark.django_db

HIDDEN = {DRAFT_HEADLINE, SCHEDULED_HEADLINE, WITHDRAWN_HEADLINE}
OWN = {"kk": KK_HEADLINE, "ru": RU_HEADLINE, "en": EN_HEADLINE}


@pytest.fixture
def site():
    return build_site()


def feed_urls(site, language):
    with translation.override(language):
        return [
            reverse("articles:feed"),
            reverse("articles:feed_atom"),
            reverse("articles:category_feed", kwargs={"slug": site.category.slug}),
            reverse("articles:category_feed_atom", kwargs={"slug": site.category.slug}),
            reverse("articles:source_feed", kwargs={"slug": site.source.slug}),
            reverse("articles:source_feed_atom", kwargs={"slug": site.source.slug}),
        ]


def parse(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (address, parsed.get("bozo_exception"))
    return parsed


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_language_section_and_source_feeds_are_valid(client, site, language):
    for address in feed_urls(site, language):
        parsed = parse(client, address)
        titles = {entry.title for entry in parsed.entries}
        assert not titles & HIDDEN, address
        if "source" not in address:
            assert OWN[language] in titles, address
        assert all(t not in titles for lang, t in OWN.items() if lang != language)
        assert parsed.feed.title.startswith("TuraNews")


def test_kazakh_feed_entry_fields(client, site):
    parsed = parse(client, feed_urls(site, "kk")[0])
    entry = next(e for e in parsed.entries if e.title == KK_HEADLINE)
    assert entry.link == f"http://testserver{site.kk.get_absolute_url()}"
    assert entry.summary.startswith("Облыс орталығындағы")
    assert entry.published_parsed is not None
    assert entry.author == "Әйгерім Садықова"
    assert entry.tags[0].term == "Денсаулық"
    assert parsed.feed.language == "kk"


def test_source_feed_lists_its_stories(client, site):
    parsed = parse(client, feed_urls(site, "kk")[4])
    assert [e.title for e in parsed.entries] == [KK_HEADLINE]
    assert "TuraNews" in parsed.feed.title


def test_site_wide_feeds_hold_every_language(client, site):
    for address in ("/feed/", "/feed/atom/"):
        titles = {e.title for e in parse(client, address).entries}
        assert set(OWN.values()) <= titles
        assert not titles & HIDDEN


def test_feed_of_unknown_section_is_404(client, site):
    assert client.get("/kk/category/nope/feed/").status_code == 404
