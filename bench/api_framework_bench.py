"""
Which API library: the same list endpoint (20 public stories with section, source
and authors, as JSON) built with django-ninja and with Django REST framework, timed
through Django's test client on one SQLite database. A bare Django view returning
``JsonResponse`` is the floor. Prints p50/mean per request and requests a second.

Both libraries must be importable; the one not in requirements.lock can be put
beside the virtualenv for the run without touching it:

    .venv/bin/pip install --target /tmp/drf djangorestframework drf-spectacular
    PYTHONPATH=/tmp/drf .venv/bin/python bench/api_framework_bench.py

Options: --stories N (default 2000), --rounds R (default 2000).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
_scratch = tempfile.TemporaryDirectory(prefix="api-framework-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(_scratch.name) / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(Path(_scratch.name) / "media")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
if "rest_framework" not in settings.INSTALLED_APPS:
    settings.INSTALLED_APPS += ["rest_framework"]
    from django.apps import apps  # noqa: E402

    apps.set_installed_apps(settings.INSTALLED_APPS)

from datetime import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.decorators import api_view, permission_classes  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from articles.models import Author, Category, Source, Status, Story  # noqa: E402

PAGE = 20


# Set by main(): either a fresh query per request, or one list loaded once, so that
# the second run times the libraries alone.
LOAD = None


def page_of_stories():
    return LOAD()


def query_page():
    return list(
        Story.objects.published()
        .select_related("category", "source")
        .prefetch_related("authors")
        .defer("body", "body_text")
        .order_by("-published_at", "-id")[:PAGE]
    )


# django-ninja


class NamedOut(Schema):
    slug: str
    name: str


class StoryOut(Schema):
    id: int
    slug: str
    headline: str
    summary: str
    language: str
    published_at: datetime
    section: NamedOut
    source: NamedOut | None
    authors: list[NamedOut]

    @staticmethod
    def resolve_summary(obj):
        return obj.dek

    @staticmethod
    def resolve_section(obj):
        return obj.category

    @staticmethod
    def resolve_authors(obj):
        return list(obj.authors.all())


ninja_api = NinjaAPI(urls_namespace="bench-ninja", docs_url=None)


@ninja_api.get("/stories", response=list[StoryOut])
def ninja_stories(request):
    return page_of_stories()


# Django REST framework


class NamedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    headline = serializers.CharField()
    summary = serializers.CharField(source="dek")
    language = serializers.CharField()
    published_at = serializers.DateTimeField()
    section = NamedSerializer(source="category")
    source = NamedSerializer(allow_null=True)
    authors = NamedSerializer(many=True)


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_stories(request):
    return Response(StorySerializer(page_of_stories(), many=True).data)


# The floor: Django alone.


def plain_stories(request):
    def named(obj):
        return None if obj is None else {"slug": obj.slug, "name": obj.name}

    return JsonResponse(
        [
            {
                "id": s.pk,
                "slug": s.slug,
                "headline": s.headline,
                "summary": s.dek,
                "language": s.language,
                "published_at": s.published_at.isoformat(),
                "section": named(s.category),
                "source": named(s.source),
                "authors": [named(a) for a in s.authors.all()],
            }
            for s in page_of_stories()
        ],
        safe=False,
    )


urlpatterns = [
    path("ninja/", ninja_api.urls),
    path("drf/stories", drf_stories),
    path("plain/stories", plain_stories),
]


def fill(count: int) -> None:
    sections = [
        Category.objects.create(name=name, slug=f"s{n}")
        for n, name in enumerate(["Экономика", "Саясат", "Қоғам", "Спорт"])
    ]
    source = Source.objects.create(name="TuraNews", slug="turanews", is_own=True)
    authors = [
        Author.objects.create(name=f"Әйгерім Садықова {n}", slug=f"a{n}")
        for n in range(5)
    ]
    now = timezone.now()
    stories = Story.objects.bulk_create(
        Story(
            headline=f"Облыс әкімдігі жаңа жобаны таныстырды {n}",
            slug=f"story-{n}",
            dek="Жоба аясында мектептер мен жолдар салынады.",
            body="<p>Мәтін.</p>",
            body_text="Мәтін.",
            language="kk",
            category=sections[n % len(sections)],
            source=source,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )
    through = Story.authors.through
    through.objects.bulk_create(
        through(story_id=s.pk, author_id=authors[s.pk % len(authors)].pk)
        for s in stories
    )


def time_it(client: Client, url: str, rounds: int) -> list[float]:
    for _ in range(20):
        assert client.get(url).status_code == 200, url
    took = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url)
        took.append((time.perf_counter() - start) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    clear_url_caches()
    call_command("migrate", verbosity=0)
    fill(args.stories)
    client = Client()
    global LOAD
    LOAD = query_page
    bodies = {
        name: client.get(url).json()
        for name, url in [("ninja", "/ninja/stories"), ("drf", "/drf/stories")]
    }
    assert bodies["ninja"][0]["headline"] == bodies["drf"][0]["headline"]
    print(f"{args.stories} stories, page of {PAGE}, {args.rounds} requests each")
    loaded = query_page()
    runs = [
        ("query per request", query_page),
        ("stories loaded once (library alone)", lambda: loaded),
    ]
    for label, load in runs:
        LOAD = load
        print(f"\n{label}")
        print(f"{'library':<28} {'p50 ms':>8} {'mean ms':>8} {'req/s':>8}")
        # Interleave the runs so that a noisy neighbour hurts all of them alike.
        results = {"django-ninja": [], "DRF": [], "Django JsonResponse": []}
        urls = {
            "django-ninja": "/ninja/stories",
            "DRF": "/drf/stories",
            "Django JsonResponse": "/plain/stories",
        }
        for _ in range(4):
            for name, url in urls.items():
                results[name] += time_it(client, url, args.rounds // 4)
        for name, took in results.items():
            mean = statistics.fmean(took)
            print(
                f"{name:<28} {statistics.median(took):>8.2f} {mean:>8.2f} "
                f"{1000 / mean:>8.0f}"
            )


if __name__ == "__main__":
    main()
