"""
Import benchmark: generate story files in Kazakh, Russian and English, import them
with ``import_stories`` (each one parsed, written in its own transaction and
submitted to review through the workflow), then import them again (all skipped).
Prints items per second for both runs, by the clock and by the CPU time of this
process (with SQLite that includes the database; it keeps the figure honest on a
machine shared with other work).

Runs against the database DATABASE_URL names; give it a database of its own.
Without DATABASE_URL it uses a fresh SQLite file in a temporary folder:

    .venv/bin/python bench/import_bench.py
    createdb -h 127.0.0.1 -U postgres impbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/impbench \
        .venv/bin/python bench/import_bench.py

Options: --items N (default 10000), --publish to publish them as an archive.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
_scratch = tempfile.TemporaryDirectory(prefix="import-bench-")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(_scratch.name) / 'import-bench.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from articles.models import Story  # noqa: E402

CATEGORIES = {
    "kk": ["Экономика", "Қоғам", "Саясат", "Спорт", "Мәдениет", "Аймақ"],
    "ru": ["Экономика", "Общество", "Политика", "Спорт", "Культура", "Регион"],
    "en": ["Economy", "Society", "Politics", "Sport", "Culture", "Region"],
}
SOURCES = ["TuraNews", "Kazinform", "Tengrinews", "Khabar 24", "Zakon.kz"]
_WORDS = {
    "kk": (
        "облыс аудан қала ауыл мектеп әкімдік бюджет жоба жол көпір мұнай бидай "
        "мақта кәсіпкер зауыт өндіріс экспорт инвестиция депутат үкімет жұмыс "
        "тұрғындар жаңа үлкен ұйымдастырды қатысты өтті жүргізді деп хабарлайды"
    ),
    "ru": (
        "область район город село школа акимат бюджет проект дорога мост нефть "
        "пшеница хлопок предприниматель завод производство экспорт инвестиции "
        "депутат правительство работа жители новый большой провели сообщает"
    ),
    "en": (
        "region district city village school budget project road bridge oil wheat "
        "cotton business plant production export investment deputy government "
        "work residents new large held reports"
    ),
}
WORDS = {language: words.split() for language, words in _WORDS.items()}


def sentence(rng, language, words=14):
    text = " ".join(rng.choice(WORDS[language]) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def write_files(folder: Path, count: int, run: str) -> None:
    rng = random.Random(6)
    for n in range(count):
        language = ("kk", "kk", "ru", "en")[n % 4]
        paragraphs = [
            " ".join(sentence(rng, language) for _ in range(rng.randint(2, 5)))
            for _ in range(rng.randint(3, 8))
        ]
        text = "\n\n".join(
            [
                rng.choice(CATEGORIES[language]),
                f"{sentence(rng, language, 8)[:-1]} {run}-{n}",
                *paragraphs,
                rng.choice(SOURCES),
                "Back to top button",
            ]
        )
        (folder / f"{n:05}.txt").write_text(text + "\n", "utf-8")


def timed_import(folder: Path, publish: bool) -> tuple[float, float]:
    """Import the folder; return (wall-clock seconds, CPU seconds of this process)."""
    args = [str(folder), "--verbosity", "0"]
    if publish:
        args.append("--publish")
    started, cpu = time.perf_counter(), time.process_time()
    call_command("import_stories", *args, stdout=io.StringIO())
    return time.perf_counter() - started, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--publish", action="store_true")
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    load = os.getloadavg()[0]
    run = f"r{time.time_ns() % 10**9}"
    with tempfile.TemporaryDirectory(prefix="stories-") as folder:
        folder = Path(folder)
        write_files(folder, options.items, run)
        before = Story.objects.count()
        first = timed_import(folder, options.publish)
        created = Story.objects.count() - before
        second = timed_import(folder, options.publish)
        again = Story.objects.count() - before - created

    print(
        f"database: {vendor}, load average before: {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"items: {options.items}, created: {created}, created again: {again}")
    for name, (wall, cpu) in (("first import", first), ("second import", second)):
        print(
            f"{name:14} {wall:7.1f} s  {options.items / wall:6.0f} items/s"
            f"   (CPU of this process {cpu:6.1f} s: {options.items / cpu:5.0f} items/s)"
        )


if __name__ == "__main__":
    main()
