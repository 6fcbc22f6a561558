"""Querysets compiled once and run again with new values (articles.core.prepared)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.utils import timezone

from articles.core.prepared import Prepared
from articles.models import Author, Status, Story, Tag

from .factories import make_category, make_source, make_story

pytestmark = pytest.mark.django_db


def by_slug(slug):
    return (
        Story.objects.select_related("category", "source")
        .filter(slug=slug)
        .order_by("pk")[:1]
    )


def public_since(since, now, language):
    return (
        Story.objects.published(now)
        .filter(published_at__gte=since, language=language)
        .order_by("-published_at", "-pk")
    )


def test_rows_are_the_orms_own_with_their_related_objects():
    source = make_source("Хабар")
    with_source = make_story("Бірінші", source=source, status=Status.PUBLISHED)
    without = make_story("Екінші")
    prepared = Prepared(by_slug)
    for story in (with_source, without, with_source):
        [found] = prepared(slug=story.slug)
        [expected] = by_slug(story.slug)
        assert found.pk == expected.pk
        assert found.headline == expected.headline
        assert found.published_at == expected.published_at
        assert found.category.name == expected.category.name
        assert found.source_id == expected.source_id
        if story.source_id:
            assert found.source.name == "Хабар"
        else:
            assert found.source is None
    assert prepared(slug="no-such-story") == []
    assert len(prepared.compiled) == 1  # compiled once, run four times


def test_times_and_languages_are_parameters_like_any_other():
    now = timezone.now()
    make_category()
    old = make_story(
        "Ескі", status=Status.PUBLISHED, published_at=now - timedelta(days=3)
    )
    new = make_story(
        "Жаңа", status=Status.PUBLISHED, published_at=now - timedelta(hours=1)
    )
    make_story("Орысша", status=Status.PUBLISHED, language="ru")
    prepared = Prepared(public_since)
    for since, language in [
        (now - timedelta(days=7), "kk"),
        (now - timedelta(days=1), "kk"),
        (now - timedelta(days=7), "en"),
    ]:
        expected = list(public_since(since, now, language))
        assert prepared(since=since, now=now, language=language) == expected
    assert [
        s.pk for s in prepared(since=now - timedelta(days=7), now=now, language="kk")
    ] == [
        new.pk,
        old.pk,
    ]


def test_a_list_of_values_is_compiled_once_per_length():
    tags = [Tag.objects.create(name=f"Тег {n}", slug=f"teg-{n}") for n in range(3)]
    prepared = Prepared(
        lambda ids: (
            Tag.objects.filter(pk__in=ids).order_by("pk").values_list("name", flat=True)
        )
    )
    assert prepared(ids=[tags[0].pk]) == [("Тег 0",)]
    assert prepared(ids=[tags[2].pk, tags[1].pk]) == [("Тег 1",), ("Тег 2",)]
    assert prepared(ids={tags[0].pk, tags[2].pk}) == [("Тег 0",), ("Тег 2",)]
    assert len(prepared.compiled) == 2


def test_unions_of_values_come_back_as_tuples():
    story = make_story()
    author = Author.objects.create(name="Айгүл", slug="aigul")
    story.authors.add(author)
    text = CharField()
    prepared = Prepared(
        lambda story_id: (
            Author.objects.filter(stories=story_id)
            .order_by()
            .values_list(Value("a", text), "name")
            .union(
                Tag.objects.filter(stories=story_id)
                .order_by()
                .values_list(Value("t", text), "name"),
                all=True,
            )
        )
    )
    assert prepared(story_id=story.pk) == [("a", "Айгүл")]
    assert prepared(story_id=story.pk + 1000) == []


def test_a_run_is_one_query(django_assert_num_queries):
    story = make_story()
    prepared = Prepared(by_slug)
    prepared(slug="warm-up")
    with django_assert_num_queries(1):
        assert prepared(slug=story.slug)[0].pk == story.pk


def test_a_value_that_shapes_the_query_is_refused():
    prepared = Prepared(lambda slug: Story.objects.filter(slug__startswith=slug))
    with pytest.raises(ValueError, match="slug"):
        prepared(slug="abc")


def test_postgresql_plans_each_statement_once_per_connection():
    if connection.vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    story = make_story()
    prepared = Prepared(by_slug)
    for _ in range(3):
        assert prepared(slug=story.slug)[0].pk == story.pk
    [entry] = prepared.compiled.values()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE name = %s",
            [entry.name],
        )
        [(runs,)] = cursor.fetchall()
    assert runs == 3


def test_values_that_shape_the_query_compile_it_once_each():
    tags = [Tag.objects.create(name=f"Тег {n}", slug=f"teg-{n}") for n in range(5)]
    prepared = Prepared(
        lambda first, start, end: (
            Tag.objects.filter(pk__gte=first)
            .order_by("pk")
            .values_list("name", flat=True)[start:end]
        ),
        shape=("start", "end"),
    )
    assert prepared(first=tags[0].pk, start=0, end=2) == [("Тег 0",), ("Тег 1",)]
    assert prepared(first=tags[0].pk, start=2, end=4) == [("Тег 2",), ("Тег 3",)]
    assert prepared(first=tags[4].pk, start=0, end=2) == [("Тег 4",)]
    assert prepared(first=tags[4].pk, start=2, end=4) == []
    assert len(prepared.compiled) == 2


def test_a_shape_value_compared_by_key_compiles_once_per_key():
    from articles.core.prepared import ByKey

    tags = [Tag.objects.create(name=f"Тег {n}", slug=f"teg-{n}") for n in range(3)]
    built = []

    def build(order, first):
        built.append(order.key)
        return (
            Tag.objects.filter(pk__gte=first)
            .order_by(*order.value)
            .values_list("name", flat=True)
        )

    prepared = Prepared(build, shape=("order",))
    newest = [("Тег 2",), ("Тег 1",), ("Тег 0",)]
    assert prepared(order=ByKey(["-pk"], "newest"), first=tags[0].pk) == newest
    assert prepared(order=ByKey(["-pk"], "newest"), first=tags[1].pk) == newest[:2]
    assert prepared(order=ByKey(["pk"], "oldest"), first=tags[1].pk) == [
        ("Тег 1",),
        ("Тег 2",),
    ]
    assert built == ["newest", "oldest"]
