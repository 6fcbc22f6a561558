"""
Where a public page's time goes, in one process: CPU per page rendered afresh.

Each kind of page is requested through Django's whole WSGI handler (middleware,
URL resolution, view, template), with the page cache off as in the side-by-side
benchmark's "cache off" column, and timed by the process's CPU clock (the
database's own time is in its process and not counted). ``--profile KIND``
prints pyinstrument's tree of that kind of page.

    DATABASE_URL=postgres://… .venv/bin/python bench/profile_pages.py \\
        --urls /tmp/newsroom-bench/story_urls.txt [--requests 500] [--profile story]

The story addresses are those bench/seed_peer_data.py writes; stories are drawn
from them at random (seeded), as the side-by-side benchmark's picker does.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["NEWSROOM_PAGE_CACHE"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("NEWSROOM_CACHE_DIR", tempfile.mkdtemp(prefix="newsroom-prof-"))

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

PAGES = {
    "front": "/kk/",
    "section": "/kk/category/section-01/",
    "section-50": "/kk/category/section-01/?page=50",
    "feed": "/kk/feed/",
}


def environ(address: str) -> dict:
    path, _, query = address.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=Path, required=True, help="story addresses")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", choices=[*PAGES, "story"])
    args = parser.parse_args()
    handler = WSGIHandler()
    stories = [line.strip() for line in args.urls.open() if line.strip()]
    rng = random.Random(42)
    pickers = {kind: (lambda a=address: a) for kind, address in PAGES.items()}
    pickers["story"] = lambda: rng.choice(stories)

    def get(address: str) -> tuple[str, int]:
        answered = {}
        body = b"".join(
            handler(environ(address), lambda s, h, e=None: answered.update(s=s))
        )
        return answered["s"], len(body)

    for kind, pick in pickers.items():
        if args.profile and kind != args.profile:
            continue
        for _ in range(30):  # the process's first pages fill what it keeps
            status, size = get(pick())
            if not status.startswith("200"):
                raise SystemExit(f"{kind}: {status}")
        started = time.process_time()
        for _ in range(args.requests):
            get(pick())
        cpu = (time.process_time() - started) / args.requests
        print(f"{kind:11} {cpu * 1000:6.2f} ms of CPU a page, {size:,} bytes")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            with profiler:
                for _ in range(args.requests):
                    get(pick())
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
