"""
Latin-script edition benchmark: what spelling the Kazakh site in Latin costs.

Loads the demo newsroom into a fresh SQLite file, then, with the page cache off,
times the front page, a section and a story in the Cyrillic (/kk/) and Latin
(/kk-latn/) editions, and the spelling pass alone over the whole Cyrillic page (an
upper bound: the Latin page gets its interface words from the kk_Latn catalogue,
so the pass only meets the content). Prints medians in milliseconds.

    .venv/bin/python bench/latin_bench.py [--rounds 30]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
_scratch = tempfile.TemporaryDirectory(prefix="latin-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(_scratch.name) / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(Path(_scratch.name) / "media")
os.environ["NEWSROOM_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles.core.latin import to_latin_page  # noqa: E402
from articles.models import Story  # noqa: E402


def median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    setup_test_environment()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", verbosity=0, stdout=quiet)
    story = Story.objects.published().filter(language="kk").first()
    pages = {
        "front page": "/kk/",
        "section": story.category.get_absolute_url(),
        "story": story.get_absolute_url(),
    }
    client = Client()
    for path in pages.values():  # renditions are made on the first view
        client.get(path)
        client.get(path.replace("/kk/", "/kk-latn/", 1))
    print(f"{'page':<12}{'kk ms':>8}{'kk-latn ms':>12}{'pass ms':>9}{'KiB':>6}")
    for name, path in pages.items():
        latin = path.replace("/kk/", "/kk-latn/", 1)
        cyrillic_ms = median_ms(lambda p=path: client.get(p), rounds)
        latin_ms = median_ms(lambda p=latin: client.get(p), rounds)
        kazakh = client.get(path).content.decode()
        pass_ms = median_ms(lambda h=kazakh: to_latin_page(h), rounds)
        print(f"{name:<12}{cyrillic_ms:>8.1f}{latin_ms:>12.1f}{pass_ms:>9.2f}"
              f"{len(kazakh) / 1024:>6.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
