"""
Throughput of the readers' site over HTTP, as readers meet it.

Serves the site with gunicorn (sync workers) and loads it with wrk on this machine,
first with the page cache off (every request renders the page and queries the
database), then with it on (anonymous readers). Use a database that already holds
stories, for example the 100,000 that ``search_bench.py`` leaves behind:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/searchbench \
        .venv/bin/python bench/http_bench.py

Options: --workers (2), --connections (8), --seconds (10) per page. wrk comes from
Debian (apt-get install wrk). The client shares the machine's cores with the server.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.models import Category, Story  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pages() -> list[tuple[str, str]]:
    """Return (name, path) of the pages to load, picked from the data present."""
    newest = Story.objects.published().select_related("category").latest()
    language = newest.language
    older = (
        Story.objects.published()
        .in_language(language)
        .select_related("category")
        .order_by("published_at")[Story.objects.published().count() // 3 :]
        .first()
    ) or newest
    category = Category.objects.filter(stories__language=language).first()
    word = newest.headline.split()[0]
    with translation.override(language):
        return [
            ("front page", f"/{language}/"),
            ("story (newest)", newest.get_absolute_url()),
            ("story (older)", older.get_absolute_url()),
            ("section", category.get_absolute_url() if category else f"/{language}/"),
            ("section, page 40", f"{category.get_absolute_url()}?page=40"),
            ("RSS", f"/{language}/feed/"),
            ("search", f"/{language}/search/?q={urllib.parse.quote(word)}"),
        ]


def serve(port: int, workers: int, cache: bool) -> subprocess.Popen:
    env = {**os.environ, "NEWSROOM_PAGE_CACHE": "1" if cache else "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def load(url: str, seconds: int, connections: int) -> tuple[float, str, str, int]:
    status = urllib.request.urlopen(url, timeout=10).status
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, p99, status if not errors else -int(errors.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    total = Story.objects.published().count()
    targets = pages()
    connection.close()
    print(
        f"database: {connection.vendor}, public stories: {total:,}, "
        f"gunicorn workers: {args.workers}, wrk connections: {args.connections}, "
        f"{os.cpu_count()} CPUs"
    )
    results = {}
    for cache in (False, True):
        port = free_port()
        server = serve(port, args.workers, cache)
        try:
            for name, path in targets:
                url = f"http://127.0.0.1:{port}{path}"
                results[name, cache] = load(url, args.seconds, args.connections)
        finally:
            server.terminate()
            server.wait()
    print(f"{'page':<18} {'uncached req/s':>15} {'p50':>9} {'p99':>9}   "
          f"{'cached req/s':>13} {'p50':>9}")  # fmt: skip
    for name, _path in targets:
        rate, p50, p99, status = results[name, False]
        c_rate, c_p50, _c99, _ = results[name, True]
        flag = "" if status > 0 else f"  ({-status} non-2xx answers)"
        print(f"{name:<18} {rate:>15.0f} {p50:>9} {p99:>9}   "
              f"{c_rate:>13.0f} {c_p50:>9}{flag}")  # fmt: skip


if __name__ == "__main__":
    main()
