from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Category, Source, Status, Story, Tag

from .factories import make_category, make_source, make_story

pytestmark = pytest.mark.django_db


def test_slug_from_kazakh_headline():
    story = make_story("Түркістан облысының делегациясы Қытайға барды")
    assert story.slug == "turkistan-oblysynyng-delegatsiyasy-qytaigha-bardy"


def test_slug_from_russian_headline():
    story = make_story("В Шымкенте открыли новую школу")
    assert story.slug == "v-shymkente-otkryli-novuyu-shkolu"


def test_slug_collisions_get_a_number():
    first = make_story("Ауа райы")
    second = make_story("Ауа райы")
    third = make_story("Ауа  райы!")
    assert [first.slug, second.slug, third.slug] == [
        "aua-raiy",
        "aua-raiy-2",
        "aua-raiy-3",
    ]


def test_slug_does_not_follow_headline_edits():
    story = make_story("Бірінші тақырып", status=Status.PUBLISHED)
    story.headline = "Мүлде басқа тақырып"
    story.save()
    story.refresh_from_db()
    assert story.slug == "birinshi-taqyryp"


def test_slug_unique_in_database():
    make_story("Бір", slug="bir")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_story("Екі", slug="bir")


def test_published_means_published_and_due():
    now = timezone.now()
    due = make_story(status=Status.PUBLISHED, published_at=now - timedelta(seconds=1))
    make_story(status=Status.PUBLISHED, published_at=now + timedelta(minutes=5))
    for status in [s for s in Status if s != Status.PUBLISHED]:
        make_story(status=status, published_at=now - timedelta(days=1))
    assert list(Story.objects.published()) == [due]


def test_published_story_needs_a_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(
            headline="x",
            category=make_category(),
            status=Status.PUBLISHED,
            published_at=None,
        )


def test_language_must_be_known():
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(headline="x", category=make_category(), language="de")


def test_body_is_sanitised_on_save_and_plain_text_kept():
    story = make_story(
        body='<p onclick="x()">Сәлем <script>alert(1)</script><b>әлем</b></p>'
    )
    story.refresh_from_db()
    assert story.body == "<p>Сәлем <b>әлем</b></p>"
    assert story.body_text == "Сәлем әлем"


def test_only_one_own_source():
    make_source("TuraNews", is_own=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source("Other", is_own=True)


def test_category_cannot_be_its_own_parent():
    category = make_category()
    category.parent_id = category.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        category.save()


def test_localized_category_name(settings):
    from django.utils import translation

    category = Category.objects.create(
        name="Саясат", name_ru="Политика", name_en="Politics"
    )
    assert category.slug == "politics"
    with translation.override("ru"):
        assert category.display_name == "Политика"
    with translation.override("kk"):
        assert category.display_name == "Саясат"


def test_source_attribution_per_language():
    source = Source.objects.create(
        name="TuraNews", attribution_kk="деп хабарлайды TuraNews.kz", attribution_ru=""
    )
    assert source.attribution("kk") == "деп хабарлайды TuraNews.kz"
    assert source.attribution("ru") == "TuraNews"


def test_tag_slug_is_latin():
    assert Tag.objects.create(name="Өскемен").slug == "oskemen"


def test_story_url_has_language_and_category():
    category = make_category(slug="ekonomika")
    story = make_story("Бағалар", category=category, language="kk")
    assert story.get_absolute_url() == "/kk/ekonomika/baghalar/"
    story_ru = make_story("Цены", category=category, language="ru")
    assert story_ru.get_absolute_url() == "/ru/ekonomika/tseny/"


def test_every_model_has_str_and_meta():
    from django.apps import apps
    from django.utils.functional import Promise

    for model in apps.get_app_config("articles").get_models():
        assert isinstance(model._meta.verbose_name, Promise), model
        assert "__str__" in model.__dict__, model
        for field in model._meta.get_fields(include_hidden=False):
            if field.concrete and not field.auto_created:
                assert isinstance(field.verbose_name, Promise), (model, field.name)
