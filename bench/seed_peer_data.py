"""
Fill a Newsroom database with the same stories the Wagtail peer is seeded with.

Uses the peer's own text generator (``../shared/peers/wagtail/textgen.py``, or
``$PEERS_DIR/wagtail/textgen.py``), the same seed, sizes and clock: N stories in
50 sections and 20 sources, headline, summary and a ~2 KB body each, published 15
minutes apart up to 2026-11-01 09:00 UTC, all in Kazakh (the peer has one
language). Bodies are sanitised and their plain text derived as ``Story.save``
would, then bulk-inserted. Writes ``story_urls.txt`` (every story's address, for
the random picker) next to the database or in ``--out``.

    createdb -h 127.0.0.1 -U postgres nr_speed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_speed_bench \\
        .venv/bin/python bench/seed_peer_data.py 100000 --out /tmp/nr-bench

``--index`` also builds the search index (a few minutes at 100,000).
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
PEERS = Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "peers"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.core.text import html_to_text, sanitize_html  # noqa: E402
from articles.models import Category, Source, Status, Story  # noqa: E402

NEWEST = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
BATCH = 2000


def peer_text():
    sys.path.insert(0, str(PEERS / "wagtail"))
    try:
        import textgen
    except ImportError:
        sys.exit(f"no textgen.py under {PEERS}/wagtail: set PEERS_DIR")
    return textgen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsroom-bench"))
    parser.add_argument("--index", action="store_true")
    args = parser.parse_args()
    textgen = peer_text()
    call_command("migrate", verbosity=0)
    if Story.objects.exists():
        sys.exit("This database already holds stories; give the benchmark its own.")
    start = time.perf_counter()
    gen = textgen.TextGen()
    sections = [
        Category.objects.create(name=name, slug=f"section-{k + 1:02d}", position=k)
        for k, name in enumerate(peer_names()[0])
    ]
    sources = [
        Source.objects.create(
            name=name,
            slug=f"source-{k + 1}",
            home_url=f"https://source{k + 1}.example/",
        )
        for k, name in enumerate(peer_names()[1])
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    urls = (args.out / "story_urls.txt").open("w")
    with translation.override("kk"):
        prefix = f"/{translation.get_language()}"
    batch = []
    for i in range(args.count):
        section = sections[i % len(sections)]
        when = NEWEST - (args.count - 1 - i) * STEP
        when += timedelta(seconds=gen.rng.randint(0, 600))
        headline, dek, body = gen.title(), gen.lead(), sanitize_html(gen.body_html())
        slug = f"news-{i + 1:06d}"
        batch.append(
            Story(
                headline=headline,
                slug=slug,
                dek=dek[:600],
                body=body,
                body_text=html_to_text(body),
                language="kk",
                category=section,
                source=sources[i % len(sources)],
                status=Status.PUBLISHED,
                published_at=when,
                created_at=when,
                updated_at=when,
            )
        )
        urls.write(f"{prefix}/{section.slug}/{slug}/\n")
        if len(batch) >= BATCH:
            Story.objects.bulk_create(batch)
            batch = []
    Story.objects.bulk_create(batch)
    urls.close()
    Story.objects.filter(updated_at__gt=NEWEST + timedelta(hours=1)).update(
        updated_at=NEWEST
    )
    if connection.vendor == "postgresql":
        # What autovacuum would soon do: statistics, and a visibility map that
        # lets index-only scans skip the table (side_by_side.py does the peer's).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{args.count:,} stories in {time.perf_counter() - start:.0f} s")
    if args.index:
        start = time.perf_counter()
        call_command("rebuild_search_index", verbosity=0)
        print(f"search index in {time.perf_counter() - start:.0f} s")


def peer_names() -> tuple[list[str], list[str]]:
    """Return the peer's section and source names, read from its seed.py."""
    import ast
    import re

    text = (PEERS / "wagtail" / "seed.py").read_text()
    found = {
        name: ast.literal_eval(literal)
        for name, literal in re.findall(
            r'^(SECTIONS|SOURCES) = ("""[^"]*""")', text, re.M
        )
    }
    sections = found["SECTIONS"].split()
    sources = found["SOURCES"].replace("\n", "").split("|")
    return sections, sources


if __name__ == "__main__":
    main()
