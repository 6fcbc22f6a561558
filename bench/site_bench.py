"""
Readers' site benchmark: fill a database with public stories in Kazakh, Russian and
English, then time the front page, a section, a story and the feeds, first without
the page cache (every request rendered) and then served from it. Prints p50/p95 in
milliseconds and the SQL queries each page costs.

Runs against the database DATABASE_URL names; give it a database of its own.
Without DATABASE_URL it uses a fresh SQLite file in a temporary folder:

    .venv/bin/python bench/site_bench.py
    createdb -h 127.0.0.1 -U postgres sitebench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitebench \
        .venv/bin/python bench/site_bench.py

Options: --stories N (default 20000), --rounds R (default 50).
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
_scratch = tempfile.TemporaryDirectory(prefix="site-bench-")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(_scratch.name) / 'site-bench.sqlite3'}"
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

from articles.models import Category, Source, Status, Story  # noqa: E402

SECTIONS = [
    ("Экономика", "Экономика", "Economy"),
    ("Саясат", "Политика", "Politics"),
    ("Қоғам", "Общество", "Society"),
    ("Спорт", "Спорт", "Sport"),
    ("Мәдениет", "Культура", "Culture"),
]


def fill(count: int) -> None:
    categories = [
        Category.objects.create(name=kk, name_ru=ru, name_en=en, slug=f"s{n}")
        for n, (kk, ru, en) in enumerate(SECTIONS)
    ]
    source = Source.objects.create(name="TuraNews", slug="turanews", is_own=True)
    now = timezone.now()
    batch = []
    for n in range(count):
        batch.append(
            Story(
                headline=f"Облыс әкімдігі жаңа жобаны таныстырды {n}",
                slug=f"story-{n}",
                dek="Жоба аясында мектептер мен жолдар салынады.",
                body="<p>Мәтін.</p>" * 10,
                body_text="Мәтін. " * 10,
                language=("kk", "kk", "ru", "en")[n % 4],
                category=categories[n % len(categories)],
                source=source,
                status=Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
            )
        )
        if len(batch) == 2000:
            Story.objects.bulk_create(batch)
            batch = []
    Story.objects.bulk_create(batch)


def measure(client, path, rounds, cached):
    times, queries = [], 0
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
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Story.objects.exists():
        sys.exit("This database already holds stories; give the benchmark its own.")
    start = time.perf_counter()
    fill(args.stories)
    print(f"{args.stories} stories in {time.perf_counter() - start:.1f} s")
    story = Story.objects.filter(language="kk").order_by("-published_at").first()
    pages = {
        "front page": "/kk/",
        "section": "/kk/category/s0/",
        "section, page 50": "/kk/category/s0/?page=50",
        "story": story.get_absolute_url(),
        "RSS": "/kk/feed/",
        "sitemap index": "/sitemap.xml",
        "stories sitemap": "/sitemap-stories.xml",
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    print(
        f"{'page':<18} {'uncached p50/p95 ms':>20} {'queries':>8} {'cached p50 ms':>14}"
    )
    for name, path in pages.items():
        p50, p95, queries = measure(client, path, args.rounds, cached=False)
        hit50, _hit95, _ = measure(client, path, args.rounds, cached=True)
        print(f"{name:<18} {p50:>10.1f} / {p95:<8.1f} {queries:>8} {hit50:>14.2f}")


if __name__ == "__main__":
    main()
