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


def _admin_pages(story, request):
    """Yield (url, whether request.user may open it) for every admin page."""
    yield reverse("admin:index"), True
    for model, model_admin in site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield (
            reverse("admin:{}_{}_changelist".format(*info)),
            model_admin.has_view_or_change_permission(request),
        )
        yield (
            reverse("admin:{}_{}_add".format(*info)),
            model_admin.has_add_permission(request),
        )
        obj = story if model is Story else model._default_manager.first()
        if obj is None:
            continue
        may = {
            "change": model_admin.has_view_or_change_permission(request, obj),
            "history": model_admin.has_view_or_change_permission(request, obj),
            "delete": model_admin.has_delete_permission(request, obj),
        }
        for view, allowed in may.items():
            with contextlib.suppress(NoReverseMatch):
                yield (
                    reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]),
                    allowed,
                )


@pytest.mark.parametrize("username", ["journalist", "editor", "chief", "admin"])
def test_every_admin_page_answers_each_demo_role_as_its_rights_say(
    demo, client, rf, username
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    request = rf.get("/admin/")
    request.user = user
    story = Story.objects.filter(status=Status.PUBLISHED).first()
    pages = list(_admin_pages(story, request))
    assert any(allowed for _url, allowed in pages)
    for language in ["kk", "ru", "en"]:
        client.cookies["django_language"] = language
        for url, allowed in pages:
            response = client.get(url)
            expected = 200 if allowed else 403
            assert response.status_code == expected, (url, response.status_code)
        index = client.get(reverse("admin:index"))
        assert index.headers["Content-Language"] == language
    if username == "journalist":
        # A journalist may not delete a published story, nor manage the desk's
        # catalogue of sources; the pages say so with 403, not an error.
        refused = [url for url, allowed in pages if not allowed]
        assert reverse("admin:articles_story_delete", args=[story.pk]) in refused
        assert reverse("admin:articles_source_add") in refused


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


def test_every_demo_story_reached_its_state_through_the_workflow(demo):
    moved = Story.objects.exclude(status=Status.DRAFT)
    assert moved.count() >= 60
    for story in moved:
        last = story.events.order_by("-created_at", "-id").first()
        assert last is not None, story.slug
        assert last.to_status == story.status, story.slug
    assert not StoryEvent.objects.filter(story__status=Status.DRAFT).exists()


def test_demo_shows_the_latin_edition_with_an_override(demo, client):
    story = Story.objects.get(latin_overrides__contains="Шандонг = Shandong")
    assert story.language == "kk"
    assert story.is_public
    address = "/kk-latn/" + story.get_absolute_url().removeprefix("/kk/")
    html = client.get(address).content.decode()
    assert '<html lang="kk-Latn">' in html
    assert "Shandong" in html
    assert "Şandong" not in html
    assert "Türkıstan oblysynyñ delegatsiiasy" in html
    home = client.get("/kk-latn/").content.decode()
    assert 'aria-current="true">Latyn<' in home


def test_demo_chief_and_admin_sign_in_with_a_printed_authenticator_key(demo):
    from django.contrib.auth import get_user_model

    from accounts import two_factor

    User = get_user_model()
    for username in ["chief", "admin"]:
        device = two_factor.device_for(User.objects.get(username=username))
        assert device is not None
        assert device.confirmed
        assert two_factor.readable_key(device.key) in demo
        assert device.config_url in demo
    for username in ["journalist", "editor"]:
        assert two_factor.device_for(User.objects.get(username=username)) is None
    # A second run keeps the keys people have put in their apps.
    before = two_factor.device_for(User.objects.get(username="chief")).key
    call_command("load_demo", stdout=io.StringIO())
    assert two_factor.device_for(User.objects.get(username="chief")).key == before


def test_demo_code_prints_the_code_the_site_accepts(demo, client):
    out = io.StringIO()
    call_command("demo_code", "chief", stdout=out)
    client.post(
        reverse("admin:login"),
        {"username": "chief", "password": "chief-demo", "next": "/admin/"},
    )
    response = client.post("/admin/login/code/", {"code": out.getvalue().strip()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError):
        call_command("demo_code", "journalist", stdout=io.StringIO())


def test_demo_code_is_refused_in_production(demo, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_code", "chief", stdout=io.StringIO())
