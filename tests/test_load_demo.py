import contextlib
import io

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from articles.models import (
    Author,
    Category,
    Image,
    Source,
    Status,
    Story,
    StoryEvent,
    Tag,
)

pytestmark = pytest.mark.django_db

COUNTED = [Category, Source, Author, Tag, Image, Story, StoryEvent]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_newsroom_is_believable(demo):
    assert Story.objects.count() >= 60
    for language in ["kk", "ru", "en"]:
        assert Story.objects.published().filter(language=language).count() >= 15
    assert Category.objects.filter(name="Экономика", name_en="Economy").exists()
    assert Source.objects.filter(is_own=True).count() == 1
    assert Source.objects.count() >= 3
    assert Image.objects.count() >= 60
    statuses = set(Story.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED} <= statuses
    scheduled = Story.objects.filter(status=Status.PUBLISHED).exclude(
        pk__in=Story.objects.published()
    )
    assert scheduled.exists()
    assert Story.objects.filter(translation_of__isnull=False).exists()
    # Every slug is readable Latin.
    assert all(slug.isascii() for slug in Story.objects.values_list("slug", flat=True))


def test_demo_prints_the_accounts(demo):
    for line in [
        "journalist / journalist-demo",
        "editor / editor-demo",
        "admin / admin-demo",
    ]:
        assert line in demo


def test_running_twice_duplicates_nothing(demo):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=io.StringIO())
    assert Story.objects.count() == 0


def _admin_urls(story):
    urls = [reverse("admin:index")]
    for model, _model_admin in site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = story if model is Story else model._default_manager.first()
        if obj is not None:
            for view in ["change", "history", "delete"]:
                with contextlib.suppress(NoReverseMatch):
                    urls.append(
                        reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk])
                    )
    return urls


@pytest.mark.parametrize("username", ["journalist", "editor", "chief", "admin"])
def test_every_admin_page_loads_for_each_demo_role(demo, client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    story = Story.objects.filter(status=Status.PUBLISHED).first()
    for language in ["kk", "ru", "en"]:
        client.cookies["django_language"] = language
        for url in _admin_urls(story):
            response = client.get(url)
            # 403 is a correct answer for pages a role may not open; errors are not.
            assert response.status_code in (200, 302, 403), (url, response.status_code)
        index = client.get(reverse("admin:index"))
        assert index.status_code == 200
        assert index.headers["Content-Language"] == language


def test_demo_stories_are_searchable_by_their_own_dates(demo):
    from datetime import timedelta

    from django.utils import timezone

    from articles.search.query import Filters
    from articles.search.results import search_stories

    sample = Story.objects.get(slug__startswith="turkistan-oblysynyng-delegatsiyasy")
    day = timezone.localtime(sample.published_at).date()
    found = search_stories(
        "Түркістан делегациясы", Filters(date_from=day, date_to=day, language="kk")
    )
    assert sample in list(found[:10])
    earlier = search_stories(
        "Түркістан делегациясы",
        Filters(date_to=day - timedelta(days=1), language="kk"),
    )
    assert sample not in list(earlier[:10])


def test_demo_mails_nobody(demo):
    from django.core import mail

    assert mail.outbox == []


def test_demo_shows_the_latin_edition_with_an_override(demo, client):
    story = Story.objects.get(latin_overrides__contains="Шандонг = Shandong")
    assert story.language == "kk" and story.is_public
    address = "/kk-latn/" + story.get_absolute_url().removeprefix("/kk/")
    html = client.get(address).content.decode()
    assert '<html lang="kk-Latn">' in html
    assert "Shandong" in html and "Şandong" not in html
    assert "Türkıstan oblysynyñ delegatsiiasy" in html
    home = client.get("/kk-latn/").content.decode()
    assert 'aria-current="true">Latyn<' in home
