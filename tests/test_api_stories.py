"""The read API's stories: lists and their filters, cursors, one story, search."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction, Status, Tag
from articles.workflow import services

from .factories import (
    make_author,
    make_category,
    make_editor,
    make_source,
    make_story,
)

pytestmark = pytest.mark.django_db

KK_HEADLINE = "Түркістанда жаңа аурухана ашылды"
KK_LATIN = "Türkıstanda jaña auruhana aşyldy"


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def headlines(response):
    return [item["headline"] for item in items(response)]


@pytest.fixture
def newsroom():
    now = timezone.now()
    health = make_category("Денсаулық", name_ru="Здоровье", slug="densaulyq")
    clinics = make_category("Емханалар", slug="emkhanalar", parent=health)
    economy = make_category("Экономика", slug="ekonomika")
    source = make_source("Қазинформ", slug="kazinform")
    author = make_author("Әйгерім Садықова", slug="aigerim")
    tag = Tag.objects.create(name="аурухана", slug="aurukhana")
    kk = make_story(
        KK_HEADLINE,
        status=Status.PUBLISHED,
        published_at=now - timedelta(hours=1),
        category=health,
        source=source,
        dek="Қала тұрғындары қуанышты.",
        body='<p>Жаңа <a href="https://turanews.kz/kk/">аурухана</a> ашылды.</p>',
        authors=[author],
    )
    kk.tags.add(tag)
    ru = make_story(
        "В Туркестане открылась больница",
        status=Status.PUBLISHED,
        published_at=now - timedelta(hours=2),
        category=clinics,
        language="ru",
        translation_of=kk,
    )
    en = make_story(
        "A hospital opens in Turkistan",
        status=Status.PUBLISHED,
        published_at=now - timedelta(days=3),
        category=economy,
        language="en",
        translation_of=kk,
    )
    draft = make_story("Жарияланбаған жоба", category=health, translation_of=kk)
    Correction.objects.create(story=kk, note="Төсек саны түзетілді.")
    return {"kk": kk, "ru": ru, "en": en, "draft": draft, "health": health}


def test_the_list_holds_published_stories_newest_first(client, newsroom):
    assert [i["id"] for i in items(client.get("/api/v1/stories"))] == [
        newsroom["kk"].pk,
        newsroom["ru"].pk,
        newsroom["en"].pk,
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=kk", [KK_HEADLINE]),
        ("language=kk-Latn", [KK_LATIN]),
        ("language=ru", ["В Туркестане открылась больница"]),
        ("section=densaulyq", [KK_HEADLINE, "В Туркестане открылась больница"]),
        ("section=emkhanalar", ["В Туркестане открылась больница"]),
        ("section=ekonomika", ["A hospital opens in Turkistan"]),
        ("section=no-such-section", []),
        ("source=kazinform", [KK_HEADLINE]),
        ("author=aigerim", [KK_HEADLINE]),
        ("tag=aurukhana", [KK_HEADLINE]),
        ("tag=aurukhana&language=ru", []),
    ],
)
def test_the_list_filters(client, newsroom, query, expected):
    assert headlines(client.get(f"/api/v1/stories?{query}")) == expected


def test_the_list_filters_by_days_on_the_newsroom_clock(client, newsroom):
    today = timezone.localdate()
    old = (today - timedelta(days=3)).isoformat()
    found = headlines(client.get(f"/api/v1/stories?date_from={old}&date_to={old}"))
    assert found == ["A hospital opens in Turkistan"]
    since = (today - timedelta(days=1)).isoformat()
    assert len(headlines(client.get(f"/api/v1/stories?date_from={since}"))) == 2
    backwards = f"/api/v1/stories?date_from={today}&date_to={old}"
    assert headlines(client.get(backwards)) == []


def test_latin_kazakh_spells_every_text_but_keeps_links(client, newsroom):
    story = client.get(f"/api/v1/stories/{newsroom['kk'].pk}?language=kk-Latn").json()
    assert story["language"] == "kk-Latn"
    assert story["headline"] == KK_LATIN
    assert story["summary"] == "Qala tūrğyndary quanyşty."
    assert story["section"]["name"] == "Densaulyq"
    assert story["authors"][0]["name"] == "Äigerım Sadyqova"
    assert story["tags"][0]["name"] == "auruhana"
    assert story["source"]["name"] == "Qazinform"
    assert story["corrections"][0]["note"] == "Tösek sany tüzetıldı."
    assert story["body"] == newsroom["kk"].body.replace("Жаңа", "Jaña").replace(
        "аурухана", "auruhana"
    ).replace("ашылды", "aşyldy")
    assert 'href="https://turanews.kz/kk/"' in story["body"]
    assert story["slug"] == newsroom["kk"].slug


def test_latin_kazakh_keeps_the_editors_spellings_and_links_the_latin_edition(
    client, newsroom
):
    kk = newsroom["kk"]
    kk.latin_overrides = "Түркістанда = Turkistanda"
    kk.save(update_fields=["latin_overrides"])
    story = client.get(f"/api/v1/stories/{kk.pk}?language=kk-Latn").json()
    assert story["headline"] == "Turkistanda jaña auruhana aşyldy"
    listed = client.get("/api/v1/stories?language=kk-Latn").json()["items"][0]
    assert listed["headline"] == story["headline"]
    assert story["url"] == f"http://testserver/kk-latn/densaulyq/{kk.slug}/"
    assert story["section"]["url"] == "http://testserver/kk-latn/category/densaulyq/"
    assert client.get(story["url"]).status_code == 200
    cyrillic = {v["language"]: v["url"] for v in story["versions"]}["kk"]
    assert cyrillic == f"http://testserver/kk/densaulyq/{kk.slug}/"


def test_a_story_by_id_or_slug_with_its_versions(client, newsroom):
    kk = newsroom["kk"]
    by_id = client.get(f"/api/v1/stories/{kk.pk}").json()
    assert client.get(f"/api/v1/stories/{kk.slug}").json() == by_id
    assert by_id["url"] == f"http://testserver{kk.get_absolute_url()}"
    versions = {v["language"]: v["id"] for v in by_id["versions"]}
    # The draft translation is not among them; the Latin spelling is.
    assert versions == {
        "kk-Latn": kk.pk,
        "ru": newsroom["ru"].pk,
        "en": newsroom["en"].pk,
    }
    ru = client.get(f"/api/v1/stories/{newsroom['ru'].pk}").json()
    assert {v["language"] for v in ru["versions"]} == {"kk", "en"}


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/stories/{draft.pk}",
        "/api/v1/stories/{draft.slug}",
        "/api/v1/stories/{ru.pk}?language=kk",
        "/api/v1/stories/{ru.pk}?language=kk-Latn",
        "/api/v1/stories/999999",
        "/api/v1/stories/no-such-story",
    ],
)
def test_no_story_answers_404_in_json(client, newsroom, address):
    response = client.get(address.format(**newsroom))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_story_readers_cannot_see_yet_or_any_more_is_not_found(client, newsroom):
    editor = make_editor()
    kk = newsroom["kk"]
    services.story_transition(
        story_id=kk.pk, user=editor, action="unpublish", note="Қате"
    )
    assert client.get(f"/api/v1/stories/{kk.pk}").status_code == 404
    assert kk.pk not in [i["id"] for i in items(client.get("/api/v1/stories"))]
    scheduled = make_story(
        "Ертеңгі жаңалық",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(minutes=5),
    )
    assert client.get(f"/api/v1/stories/{scheduled.pk}").status_code == 404


def test_cursor_pages_stay_put_when_new_stories_are_published(client):
    now = timezone.now()
    section = make_category()
    stories = [
        make_story(
            f"Жаңалық {n}",
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=n),
            category=section,
        )
        for n in range(7)
    ]
    # Two share a publication time: the id keeps their order.
    stories[4].published_at = stories[3].published_at
    stories[4].save(update_fields=["published_at"])
    first = client.get("/api/v1/stories?limit=3").json()
    for n in range(3):
        make_story(f"Жаңа {n}", status=Status.PUBLISHED, category=section)
    seen = [i["id"] for i in first["items"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [i["id"] for i in page["items"]]
    expected = sorted(stories, key=lambda s: (s.published_at, s.pk), reverse=True)
    assert seen == [s.pk for s in expected]
    assert first["next"].endswith(f"cursor={first['next_cursor']}")


def test_a_made_up_cursor_is_a_place_in_time(client):
    make_story("Ескі жаңалық", status=Status.PUBLISHED)
    assert headlines(client.get("/api/v1/stories?cursor=0.0")) == []
    assert headlines(client.get("/api/v1/stories?cursor=99999999999999999.1")) == [
        "Ескі жаңалық"
    ]
    response = client.get("/api/v1/stories?cursor=abc")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("language=kz", "language"),
        ("date_from=2024-02-30", "date_from"),
        ("date_to=0", "date_to"),
        ("section=" + "ә", "section"),
    ],
)
def test_bad_parameters_are_named_in_a_400(client, query, parameter):
    response = client.get(f"/api/v1/stories?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [e["parameter"] for e in body["errors"]] == [parameter]


def test_search_finds_published_stories_in_either_script(client, newsroom):
    found = client.get("/api/v1/search?q=аурухана").json()
    assert [i["id"] for i in found["items"]] == [newsroom["kk"].pk]
    assert "<mark>" in found["items"][0]["snippet"]
    assert found["total"] == 1
    assert found["mode"] == "all"
    latin = client.get("/api/v1/search?q=аурухана&language=kk-Latn").json()
    assert latin["items"][0]["headline"] == KK_LATIN
    assert "<mark>auruhana</mark>" in latin["items"][0]["snippet"]
    assert client.get("/api/v1/search?q=жоба").json()["items"] == []


def test_search_pages_follow_their_cursor(client):
    section = make_category()
    for n in range(5):
        make_story(f"Сайлау {n}", status=Status.PUBLISHED, category=section)
    first = client.get("/api/v1/search?q=сайлау&limit=2").json()
    assert first["total"] == 5
    ids = [i["id"] for i in first["items"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [i["id"] for i in page["items"]]
    assert len(ids) == len(set(ids)) == 5


def test_search_filters_by_section_and_source(client, newsroom):
    assert client.get("/api/v1/search?q=аурухана&section=densaulyq").json()["total"]
    assert not client.get("/api/v1/search?q=аурухана&section=ekonomika").json()["items"]
    assert client.get("/api/v1/search?q=аурухана&source=kazinform").json()["total"]
    assert not client.get("/api/v1/search?q=аурухана&source=nobody").json()["items"]


def test_search_without_words_is_refused(client):
    response = client.get("/api/v1/search")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "q"
