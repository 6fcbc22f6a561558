"""
Search quality on the labelled collection in tests/search_relevance.py: prints
precision@10 and recall for every query and on average, for the database backend
DATABASE_URL selects (SQLite when unset). Works in a throw-away test database.

    .venv/bin/python bench/search_quality.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/search_quality.py
"""

import os
import sys
from pathlib import Path

from articles.search import results as search_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)

from tests.search_relevance import evaluate, load_collection  # noqa: E402


def run(text: str) -> list[int]:
    results = search_results.search_stories(text)
    return [story.pk for story in results[0 : min(results.count(), 50)]]


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = evaluate(run, load_collection())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"Search quality on {connection.vendor}")
    print(f"  {'query':24} {'relevant':>8} {'found':>6} {'P@10':>6} {'recall':>7}")
    for row in rows:
        print(
            f"  {row['query']:24} {row['relevant']:>8} {row['retrieved']:>6} "
            f"{row['precision']:>6.2f} {row['recall']:>7.2f}"
        )
    mean_p = sum(r["precision"] for r in rows) / len(rows)
    mean_r = sum(r["recall"] for r in rows) / len(rows)
    print(f"  {'mean':24} {'':>8} {'':>6} {mean_p:>6.2f} {mean_r:>7.2f}")


if __name__ == "__main__":
    main()
