"""
Newsroom and the Wagtail peer, side by side, on the same machine and data size.

Both sites are served by gunicorn with 2 sync workers and loaded with the peers'
own harness settings (``../shared/peers/common``: ``wrk -t1 -c16 -d15s --latency``
with ``wrk_target.lua``, a 3 s warm-up, a fresh server for every target); the
Django "hello world" of ``../shared/peers/baseline`` gives the ceiling. Newsroom is
measured with its page cache off (every page rendered), and on (the default
shared cache; Redis too with ``--redis``). Prints req/s per page, the ratios to
Wagtail and to hello world, the larger worker's RSS after each run, SQL queries,
and the simulated hit ratio of purging by key (``purge_simulation.py``). It
prints figures and asserts nothing.

Needs the peer set up and seeded (``../shared/peers/wagtail/README.md``) and a
Newsroom database with the same stories (``seed_peer_data.py``):

    PEERS_DIR=../shared/peers \\
    NEWSROOM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_speed_bench \\
    PEER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/peer_wagtail \\
    PEERS_DATA=/tmp/peers/wagtail-data-pg \\
        .venv/bin/python bench/side_by_side.py --urls /tmp/newsroom-bench/story_urls.txt
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PEERS = Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "peers")).resolve()
PEER_VENV = Path(os.environ.get("PEER_VENV", "/tmp/peers/wagtail-venv"))
PEERS_DATA = Path(os.environ.get("PEERS_DATA", "/tmp/peers/wagtail-data-pg"))
WRK = os.environ.get("WRK_FLAGS", "-t1 -c16 -d15s --latency").split()
WARMUP_S = int(os.environ.get("WARMUP_S", "3"))

from tests.live import fetch, free_port  # noqa: E402

PAGES = ["front page", "section, page 1", "section, page 50", "story, random", "RSS"]


def newsroom_targets(urls: Path) -> dict[str, str]:
    return {
        "front page": "/kk/",
        "section, page 1": "/kk/category/section-01/",
        "section, page 50": "/kk/category/section-01/?page=50",
        "story, random": f"@{urls}",
        "story, one": urls.read_text().split()[0],
        "RSS": "/kk/feed/",
    }


def wagtail_targets() -> dict[str, str]:
    rows = dict(
        line.split("\t")
        for line in (PEERS_DATA / "targets.tsv").read_text().splitlines()
    )
    story = rows["news (random)"]
    return {
        "front page": rows["home"],
        "section, page 1": rows["category p1"],
        "section, page 50": rows["category p50"],
        "story, random": f"@{PEERS_DATA / story[1:]}",
        "RSS": rows["rss"],
    }


class Server:
    def __init__(self, python, app, chdir, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(python),
                "-m",
                "gunicorn",
                app,
                "--chdir",
                str(chdir),
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                fetch(f"http://127.0.0.1:{self.port}/", timeout=5)
                if len(self.workers()) >= 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{app} did not start")

    def workers(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(pid) for pid in found]

    def rss_mib(self) -> int:
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)
        return max(sizes, default=0)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


SEED = "42"  # the picker's, as the peers' harness has it; --stories-only sets others


def wrk(port: int, target: str, flags) -> dict:
    out = subprocess.run(
        [
            "wrk",
            *flags,
            "-s",
            str(PEERS / "common" / "wrk_target.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            target,
            SEED,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("PEER_RESULT"))
    return dict(re.findall(r"(\w+)=(\S+)", line))


def measure(python, app, chdir, env, targets) -> dict:
    results = {}
    for name, target in targets.items():
        server = Server(python, app, chdir, env)
        try:
            wrk(server.port, target, ["-t1", "-c16", f"-d{WARMUP_S}s"])
            found = wrk(server.port, target, WRK)
            found["rss"] = server.rss_mib()
        finally:
            server.stop()
        results[name] = found
        print(
            f"  {name}: {found['rps']} req/s, p50 {found['p50_ms']} ms, "
            f"non-2xx {found['non2xx']}, RSS {found['rss']} MiB",
            file=sys.stderr,
        )
    return results


def newsroom_queries(env, targets) -> dict[str, str]:
    """SQL queries of each page rendered afresh, counted on a second request."""
    code = (
        "import django, json, random, sys\ndjango.setup()\n"
        "from django.conf import settings\n"
        "settings.ALLOWED_HOSTS = ['*']\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client, counts = Client(), {}\n"
        f"for name, path in {targets!r}.items():\n"
        "    if path.startswith('@'):\n"
        "        path = random.Random(1).choice(open(path[1:]).read().split())\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as found:\n"
        "        client.get(path)\n"
        "    counts[name] = len(found)\n"
        "print(json.dumps(counts))"
    )
    import json

    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "NEWSROOM_PAGE_CACHE": "0"},
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def stories_only(python, newsroom, peer, ours, theirs, seeds) -> None:
    global SEED
    for seed in seeds:
        SEED = str(seed)
        their = measure(
            PEER_VENV / "bin" / "python",
            "peersite.wsgi:application",
            PEERS / "wagtail" / "site",
            peer,
            {"story, random": theirs["story, random"]},
        )["story, random"]
        our = measure(
            python,
            "newsroom.wsgi",
            ROOT,
            {**newsroom, "NEWSROOM_PAGE_CACHE": "0"},
            {"story, random": ours["story, random"]},
        )["story, random"]
        ratio = float(our["rps"]) / float(their["rps"])
        print(
            f"seed {seed}: random story, Wagtail {their['rps']} req/s, "
            f"Newsroom (cache off) {our['rps']} req/s, {ratio:.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=Path, required=True, help="story addresses")
    parser.add_argument("--redis", help="also measure Newsroom with this REDIS_URL")
    parser.add_argument("--no-simulation", action="store_true")
    parser.add_argument(
        "--stories-only",
        type=int,
        nargs="+",
        metavar="SEED",
        help="only random stories, Wagtail then Newsroom (cache off), for each seed "
        "of the picker: stories neither system read before",
    )
    parser.add_argument(
        "--hits-only",
        action="store_true",
        help="only cached pages against hello world, alternating, three rounds",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    newsroom = {
        **base,
        "DATABASE_URL": os.environ["NEWSROOM_DATABASE_URL"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_CACHE_DIR": "/tmp/newsroom-bench/cache",
        "LOG_LEVEL": "WARNING",
    }
    newsroom.pop("REDIS_URL", None)
    shutil.rmtree("/tmp/newsroom-bench/cache", ignore_errors=True)
    peer = {
        **base,
        "DATABASE_URL": os.environ["PEER_DATABASE_URL"],
        "PEERS_DATA": str(PEERS_DATA),
    }
    for url in (newsroom["DATABASE_URL"], peer["DATABASE_URL"]):
        vacuum(url)
    ours, theirs = newsroom_targets(args.urls), wagtail_targets()
    python = Path(sys.executable)
    if args.hits_only:
        return hits_against_hello(python, newsroom, base, ours)
    if args.stories_only:
        return stories_only(python, newsroom, peer, ours, theirs, args.stories_only)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    columns = {}
    print("hello world", file=sys.stderr)
    columns["hello"] = measure(
        PEER_VENV / "bin" / "python",
        "baselinesite:application",
        PEERS / "baseline",
        base,
        {"hello world": "/hello/"},
    )["hello world"]
    print("Wagtail", file=sys.stderr)
    columns["wagtail"] = measure(
        PEER_VENV / "bin" / "python",
        "peersite.wsgi:application",
        PEERS / "wagtail" / "site",
        peer,
        theirs,
    )
    print("Newsroom, page cache off", file=sys.stderr)
    columns["off"] = measure(
        python, "newsroom.wsgi", ROOT, {**newsroom, "NEWSROOM_PAGE_CACHE": "0"}, ours
    )
    print("Newsroom, page cache on", file=sys.stderr)
    columns["on"] = measure(python, "newsroom.wsgi", ROOT, newsroom, ours)
    if args.redis:
        print("Newsroom, page cache on, Redis", file=sys.stderr)
        columns["redis"] = measure(
            python, "newsroom.wsgi", ROOT, {**newsroom, "REDIS_URL": args.redis}, ours
        )
    queries = newsroom_queries(newsroom, ours)

    hello = float(columns["hello"]["rps"])
    print(
        f"\nSide by side, {started}, {os.cpu_count()} CPUs, load average at start "
        f"{load:.1f}; wrk {' '.join(WRK)}, gunicorn 2 sync workers; req/s\n"
    )
    head = "| page | Wagtail 8 | Newsroom, cache off | × Wagtail | Newsroom, cache on |"
    head += " % of hello world |"
    if args.redis:
        head += " cache on (Redis) |"
    head += " SQL | worker RSS MiB |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in [*PAGES, "story, one"]:
        wag = columns["wagtail"].get(name)
        off, on = columns["off"][name], columns["on"][name]
        ratio = f"{float(off['rps']) / float(wag['rps']):.1f}×" if wag else "—"
        row = (
            f"| {name} | {wag['rps'] if wag else '—'} | {off['rps']} | {ratio} | "
            f"{on['rps']} | {100 * float(on['rps']) / hello:.0f} % |"
        )
        if args.redis:
            row += f" {columns['redis'][name]['rps']} |"
        rss = max(int(off["rss"]), int(on["rss"]))
        row += f" {queries.get(name, '—')} | {rss} |"
        print(row)
    print(f"| hello world (Django ceiling) | | | | {hello:.0f} | 100 % | | | |")
    bad = sum(
        int(c[n]["non2xx"]) for c in (columns["off"], columns["on"]) for n in ours
    )
    print(f"\nnon-2xx answers from Newsroom in all runs: {bad}")
    if not args.no_simulation:
        print(
            "\nHit ratio, simulated (bench/purge_simulation.py, one hour after a "
            "day; the other policies: run it alone):\n"
        )
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "purge_simulation.py"),
                "--policies",
                "everything,keys",
            ],
            cwd=ROOT,
            check=True,
        )


def vacuum(url: str) -> None:
    """VACUUM ANALYZE a PostgreSQL database, as autovacuum would: both the same."""
    if not url.startswith("postgres"):
        return
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def hits_against_hello(python, newsroom, base, ours) -> None:
    """Alternate hello world and cached Newsroom pages, so both meet the same load."""
    rounds = []
    for _ in range(3):
        hello = measure(
            PEER_VENV / "bin" / "python",
            "baselinesite:application",
            PEERS / "baseline",
            base,
            {"hello world": "/hello/"},
        )["hello world"]
        cached = measure(
            python,
            "newsroom.wsgi",
            ROOT,
            newsroom,
            {name: ours[name] for name in ("front page", "story, one", "RSS")},
        )
        rounds.append((float(hello["rps"]), cached))
    print("| round | hello world | front page | % | one story | % | RSS | % |")
    print("|---|---|---|---|---|---|---|---|")
    for n, (hello, cached) in enumerate(rounds, 1):
        cells = []
        for name in ("front page", "story, one", "RSS"):
            rps = float(cached[name]["rps"])
            cells += [f"{rps:.0f}", f"{100 * rps / hello:.0f} %"]
        print(f"| {n} | {hello:.0f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
