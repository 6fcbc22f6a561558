"""
The readers' site with its Redis cache failing: 5xx answers under load.

Two runs of 60 seconds each against gunicorn (2 sync workers), with the peers'
wrk script (``../shared/peers/common/wrk_target.lua``: a random pick of public
pages, non-2xx answers counted):

1. a private redis-server (started here, on a port of its own) is stopped for 10
   seconds in the middle of the load, then started again;
2. ``REDIS_URL`` points at a closed port from the start.

Prints requests, non-2xx answers and socket errors of each run (target: zero
non-2xx). Use the database of the side-by-side benchmark:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_speed_bench \\
        .venv/bin/python bench/cache_outage.py \\
        --paths /tmp/newsroom-bench/story_urls.txt
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PEERS = Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "peers"))

from tests.live import fetch, free_port  # noqa: E402


def start_redis(port: int, folder: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True
            ).returncode
            == 0
        ):
            return process
        time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def serve(port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            fetch(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, paths_file: Path, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c16",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(PEERS / "common" / "wrk_target.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            f"@{paths_file}",
            "42",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("PEER_RESULT"))
    return dict(re.findall(r"(\w+)=(\S+)", line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", type=Path, required=True, help="story addresses")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--outage", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("redis-server"):
        raise SystemExit("wrk and redis-server are needed (apt-get install wrk redis)")
    tmp = Path(tempfile.mkdtemp(prefix="cache-outage-"))
    stories = args.paths.read_text().split()
    picks = random.Random(7).sample(stories, min(200, len(stories)))
    mix = tmp / "paths.txt"
    mix.write_text("\n".join([*picks, *["/kk/", "/kk/feed/"] * 20]) + "\n")
    base_env = {**os.environ, "LOG_LEVEL": "WARNING"}
    redis_port, app_port = free_port(range(8190, 8200)), free_port()
    results = {}

    redis = start_redis(redis_port, tmp)
    env = {**base_env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    app = serve(app_port, env)
    try:

        def outage():
            time.sleep((args.seconds - args.outage) / 2)
            subprocess.run(
                ["redis-cli", "-p", str(redis_port), "shutdown", "nosave"],
                capture_output=True,
            )
            redis.wait()
            time.sleep(args.outage)
            results["restarted"] = start_redis(redis_port, tmp)

        thread = threading.Thread(target=outage)
        thread.start()
        results["Redis stopped for 10 s"] = load(app_port, mix, args.seconds)
        thread.join()
    finally:
        app.terminate()
        app.wait()
        for process in (redis, results.get("restarted")):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait()

    closed = free_port(range(8190, 8200))
    app = serve(app_port, {**base_env, "REDIS_URL": f"redis://127.0.0.1:{closed}/0"})
    try:
        results["REDIS_URL at a closed port"] = load(app_port, mix, args.seconds)
    finally:
        app.terminate()
        app.wait()
    shutil.rmtree(tmp, ignore_errors=True)

    print(f"{args.seconds} s of wrk -t1 -c16 per run, gunicorn with 2 sync workers")
    print(
        f"{'run':<28} {'requests':>9} {'req/s':>7} {'non-2xx':>8} {'socket errors':>14}"
    )
    for name in ("Redis stopped for 10 s", "REDIS_URL at a closed port"):
        r = results[name]
        print(
            f"{name:<28} {int(r['requests']):>9,} {float(r['rps']):>7.0f} "
            f"{r['non2xx']:>8} {r['socket_errors']:>14}"
        )


if __name__ == "__main__":
    main()
