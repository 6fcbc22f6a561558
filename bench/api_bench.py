"""
Read API against the readers' site: a story and the first page of a section, once
as the site's page and once from the API, timed through Django's test client on
the same database. Each is measured afresh (every cache emptied before each
request) and as served again from the cache; the SQL queries per fresh request are
printed at the size generated, so runs at two sizes show they do not grow.

Runs against the database DATABASE_URL names; give it a database of its own.
Without DATABASE_URL it uses a fresh SQLite file in a temporary folder:

    .venv/bin/python bench/api_bench.py
    createdb -h 127.0.0.1 -U postgres apibench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/apibench \\
        .venv/bin/python bench/api_bench.py --stories 100000

Options: --stories N (default 20000), --rounds R (default 100).
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
_scratch = tempfile.TemporaryDirectory(prefix="api-bench-")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(_scratch.name) / 'api-bench.sqlite3'}"
)
os.environ.setdefault("MEDIA_ROOT", str(Path(_scratch.name) / "media"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Author, Category, Source, Status, Story, Tag  # noqa: E402

SECTIONS = [
    ("Экономика", "Экономика", "Economy"),
    ("Саясат", "Политика", "Politics"),
    ("Қоғам", "Общество", "Society"),
    ("Спорт", "Спорт", "Sport"),
    ("Мәдениет", "Культура", "Culture"),
]
BODY = (
    "<p>Облыс әкімдігінде өткен жиында <strong>жаңа жоба</strong> таныстырылды. "
    "Жоба аясында мектептер мен жолдар салынады.</p>"
) * 8


def fill(count: int) -> None:
    categories = [
        Category.objects.create(name=kk, name_ru=ru, name_en=en, slug=f"s{n}")
        for n, (kk, ru, en) in enumerate(SECTIONS)
    ]
    source = Source.objects.create(name="TuraNews", slug="turanews", is_own=True)
    authors = [
        Author.objects.create(name=f"Әйгерім Садықова {n}", slug=f"author-{n}")
        for n in range(20)
    ]
    tags = [Tag.objects.create(name=f"тег {n}", slug=f"tag-{n}") for n in range(50)]
    now = timezone.now()
    batch = []
    through_authors, through_tags = Story.authors.through, Story.tags.through
    for n in range(count):
        batch.append(
            Story(
                headline=f"Облыс әкімдігі жаңа жобаны таныстырды {n}",
                slug=f"story-{n}",
                dek="Жоба аясында мектептер мен жолдар салынады.",
                body=BODY,
                body_text=BODY.replace("<p>", "").replace("</p>", "\n"),
                language=("kk", "kk", "ru", "en")[n % 4],
                category=categories[n % len(categories)],
                source=source,
                status=Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
            )
        )
        if len(batch) == 2000 or n == count - 1:
            made = Story.objects.bulk_create(batch)
            through_authors.objects.bulk_create(
                through_authors(story_id=s.pk, author_id=authors[s.pk % 20].pk)
                for s in made
            )
            through_tags.objects.bulk_create(
                through_tags(story_id=s.pk, tag_id=tags[(s.pk + k) % 50].pk)
                for s in made
                for k in range(3)
            )
            batch = []


def measure(client, path, rounds, cached):
    times, queries = [], 0
    client.get(path)
    for _ in range(rounds):
        if not cached:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Story.objects.exists():
        sys.exit("This database already holds stories; give the benchmark its own.")
    start = time.perf_counter()
    fill(args.stories)
    if connection.vendor == "postgresql":
        # Statistics, as a live server has them (autovacuum): without them the
        # planner takes 100,000 bulk-inserted rows for a handful. SQLite is left
        # as Django leaves it, without any.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{args.stories} stories in {time.perf_counter() - start:.1f} s")
    story = Story.objects.filter(language="kk").order_by("-published_at").first()
    pairs = [
        ("story", story.get_absolute_url(), f"/api/v1/stories/{story.pk}"),
        ("section, first page", "/kk/category/s0/", "/api/v1/stories?section=s0"),
        (
            "section, Latin script",
            "/kk-latn/category/s0/",
            "/api/v1/stories?section=s0&language=kk-Latn",
        ),
        ("front page / list", "/kk/", "/api/v1/stories"),
    ]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.NEWSROOM_API_RATE = 10**9
    client = Client()
    print(
        f"{'what':<22} {'':<5} {'fresh p50/p95 ms':>18} {'queries':>8} "
        f"{'cached p50 ms':>14}"
    )
    for name, site_path, api_path in pairs:
        for label, path in (("site", site_path), ("API", api_path)):
            p50, p95, queries = measure(client, path, args.rounds, cached=False)
            hit50, _hit95, _ = measure(client, path, args.rounds, cached=True)
            print(
                f"{name:<22} {label:<5} {p50:>8.1f} / {p95:<7.1f} {queries:>8} "
                f"{hit50:>14.2f}"
            )


if __name__ == "__main__":
    main()
