"""
Pictures out of readers' requests: what storing a large picture costs the editor,
and what a story page showing it costs a reader.

Stores one large PNG (default 36 megapixels, 7200×5000, the size of the attack
run) through the same service every upload path uses (check, then renditions), then
times the story page that shows it, cache off, with its renditions already made.
For comparison it also times the page of a picture that has no renditions yet (one
stored before they were made at upload): the page only reads, so it costs the same.

    .venv/bin/python bench/renditions_bench.py [--width 7200 --height 5000 --rounds 20]

Runs on a fresh SQLite file in a temporary folder unless DATABASE_URL is set.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
_scratch = tempfile.TemporaryDirectory(prefix="renditions-bench-")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(_scratch.name) / 'renditions.sqlite3'}"
)
os.environ.setdefault("MEDIA_ROOT", str(Path(_scratch.name) / "media"))
os.environ["NEWSROOM_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from articles.models import Category, Image, Rendition, Status, Story  # noqa: E402
from articles.workflow import catalog, roles  # noqa: E402


def large_png(width: int, height: int) -> bytes:
    picture = PILImage.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, 97):
        draw.line([(x, 0), (width - x, height)], fill=(220, 180, 40), width=5)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def page_times(client: Client, url: str, rounds: int) -> list[float]:
    client.get(url)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=7200)
    parser.add_argument("--height", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    roles.sync_roles()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("bench", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.JOURNALIST))
    data = large_png(options.width, options.height)
    megapixels = options.width * options.height / 1e6
    size = len(data) / 1e6
    print(f"PNG {options.width}×{options.height} ({megapixels:.0f} MP), {size:.1f} MB")

    start = time.perf_counter()
    image = catalog.image_create(
        user=user, upload=SimpleUploadedFile("big.png", data), alt_text="Үлкен сурет"
    )
    stored = time.perf_counter() - start
    made = image.renditions.count()
    print(f"stored with {made} renditions in {stored:.2f} s (the uploader's request)")

    category = Category.objects.create(name="Бөлім", slug="bolim")
    with_renditions = Story.objects.create(
        headline="Суреті бар жаңалық",
        body="<p>Мәтін</p>",
        category=category,
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        hero_image=image,
    )
    bare = Image.objects.create(file=image.file.name, alt_text="Көшірме")
    without = Story.objects.create(
        headline="Суреті әлі кесілмеген жаңалық",
        body="<p>Мәтін</p>",
        category=category,
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        hero_image=bare,
    )
    client = Client(HTTP_HOST="localhost")
    before = Rendition.objects.count()
    for label, story in [("renditions made", with_renditions), ("none yet", without)]:
        times = page_times(client, story.get_absolute_url(), options.rounds)
        print(
            f"story page, picture with {label}: p50 {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms over {options.rounds} views"
        )
    print(f"renditions made during page views: {Rendition.objects.count() - before}")


if __name__ == "__main__":
    main()
