"""The cache is one for every process of the site: gunicorn workers, management
commands and the scheduler see the same pages, purges and read counts."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .live import SEED, LiveSite

FIXTURES = Path(__file__).parent / "fixtures"
STORY_FILE = FIXTURES / "turanews-economy-kk.txt"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    site = LiveSite(tmp_path_factory.mktemp("live-cache"))
    site.seeded = site.python(SEED)
    yield site
    site.close()


@pytest.fixture(scope="module")
def server(live):
    return live.serve(workers=2)


def story_path(live, number):
    pk = live.seeded["stories"][str(number)]
    return live.python(
        "from django.utils import translation\n"
        "from articles.models import Story\n"
        f"story = Story.objects.get(pk={pk})\n"
        "print(json.dumps(story.get_absolute_url()))"
    )


def transition(live, number, action, note=""):
    pk = live.seeded["stories"][str(number)]
    live.python(
        "from django.contrib.auth import get_user_model\n"
        "from articles.workflow import services\n"
        f"editor = get_user_model().objects.get(pk={live.seeded['editor']})\n"
        f"services.story_transition(story_id={pk}, user=editor, action={action!r},"
        f" note={note!r}, notify=False)\n"
        "print('null')"
    )


def spread(server, paths, total=200):
    """GET the paths round-robin, 8 at a time, so that every worker answers."""
    jobs = [paths[n % len(paths)] for n in range(total)]
    with ThreadPoolExecutor(8) as pool:
        return list(zip(jobs, pool.map(server.get, jobs), strict=True))


def test_a_withdrawal_reaches_every_worker_at_once(live, server):
    story = story_path(live, 3)
    headline = "Жаңалық нөмірі 3 Әңгіме"
    pages = [story, "/kk/", "/kk/category/ekonomika/", "/kk/feed/"]
    for path, answer in spread(server, pages, 80):
        assert answer.status == 200, path
        assert headline in answer.text, path
    assert len(server.workers_seen()) == 2  # both workers hold the pages now

    # In a process of its own, as an admin request or a command would be.
    transition(live, 3, "unpublish", note="Дерек расталмады.")

    answers = spread(server, pages)
    assert len(server.workers_seen()) == 2
    for path, answer in answers:
        if path == story:
            assert answer.status == 410
        else:
            assert answer.status == 200, path
        assert headline not in answer.text, f"{path} still shows the story"


def test_a_correction_reaches_every_worker_at_once(live, server):
    story = story_path(live, 5)
    for _path, answer in spread(server, [story], 20):
        assert "Түзету:" not in answer.text
    transition(live, 5, "correct", note="Түзету: аты-жөні қате жазылған.")
    for _path, answer in spread(server, [story, "/kk/corrections/"], 60):
        assert "Түзету: аты-жөні қате жазылған." in answer.text


def test_a_command_line_import_shows_at_once(live, server):
    before = server.get("/kk/").text
    assert "делегациясы қытайдың" not in before
    live.manage("import_stories", str(STORY_FILE), "--publish")
    for path, answer in spread(server, ["/kk/", "/kk/category/ekonomika/"], 40):
        assert answer.status == 200
        assert "делегациясы қытайдың" in answer.text, path


def test_reads_from_parallel_processes_are_all_counted(live, server):
    story = story_path(live, 7)
    pk = live.seeded["stories"]["7"]
    # Four client processes at once, each with eight connections, against two
    # workers; one worker restart in the middle; nothing may be lost or doubled.
    client = (
        "import sys; sys.path.insert(0, '.')\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from tests.live import fetch\n"
        f"url = {server.base + story!r}\n"
        "with ThreadPoolExecutor(8) as pool:\n"
        "    codes = list(pool.map(lambda n: fetch(url).status, range(60)))\n"
        "print(json.dumps(codes))"
    )
    import subprocess
    import sys

    from .live import ROOT

    def run_clients():
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", "import json\n" + client],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(4)
        ]
        return [json.loads(p.communicate(timeout=300)[0]) for p in procs]

    first = run_clients()
    server.restart_workers()
    second = run_clients()
    answered = sum(code == 200 for codes in first + second for code in codes)
    assert answered == 2 * 4 * 60
    # Workers pass on what they gathered every second (later on a busy machine).
    deadline, counted = time.monotonic() + 30, 0
    while counted != answered and time.monotonic() < deadline:
        time.sleep(1)
        live.manage("flush_reads")
        counted = live.python(
            "from django.db.models import Sum\n"
            "from articles.models import StoryReads\n"
            f"print(json.dumps(StoryReads.objects.filter(story_id={pk})"
            ".aggregate(n=Sum('count'))['n'] or 0))"
        )
    assert counted == answered
