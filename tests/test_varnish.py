"""Varnish (deploy/varnish/newsroom.vcl) in front of the app: purged by key within
a second, never caching staff or previews, serving stale pages while the app is
down. Skipped only where varnishd is missing and NEWSROOM_REQUIRE_VARNISH is not
set (CI sets it)."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .live import ROOT, SEED, LiveSite, fetch, free_port, serving, worker_ports

VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
VARNISH_PORTS = worker_ports(6081, 10)
# Seconds of s-maxage: long enough that only a purge explains a page changing
# within a second, short enough for the stale-if-error case to be quick.
TTL = 10


def varnishd() -> str:
    found = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )
    if found is None:
        if os.environ.get("NEWSROOM_REQUIRE_VARNISH") == "1":
            pytest.fail("varnishd is missing and the Varnish tests are required here.")
        pytest.skip(
            "varnishd is not installed (apt-get install varnish varnish-modules)"
        )
    return found


class Varnish:
    def __init__(self, binary, tmp: Path, backend_port: int):
        self.port = free_port(VARNISH_PORTS)
        vcl = tmp / "newsroom.vcl"
        vcl.write_text(VCL.read_text().replace('"8000"', f'"{backend_port}"'))
        workdir = tmp / "varnish"
        workdir.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "-F", "-j", "none", "-n", str(workdir),
             "-a", f"127.0.0.1:{self.port}", "-f", str(vcl),
             "-T", "none", "-s", "malloc,64m", "-p", "default_grace=0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        if not serving(self.base, self.process, self.process.stdout, seconds=30):
            self.stop()
            raise RuntimeError("varnishd did not start")

    def get(self, path, **headers):
        return fetch(self.base + path, headers)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    binary = varnishd()
    tmp = tmp_path_factory.mktemp("varnish")
    site = LiveSite(tmp, NEWSROOM_PUBLIC_TTL=str(TTL))
    site.seeded = site.python(SEED)
    app_port = free_port()
    varnish = Varnish(binary, tmp, app_port)
    site.env["VARNISH_PURGE_URLS"] = varnish.base + "/"
    app = site.serve(workers=2, port=app_port)
    deadline = time.monotonic() + 30
    while varnish.get("/robots.txt").status != 200:  # the health probe catches up
        assert time.monotonic() < deadline, "Varnish never saw the app healthy"
        time.sleep(0.2)
    yield site, app, varnish
    varnish.stop()
    site.close()


def path_of(site, number):
    pk = site.seeded["stories"][str(number)]
    return site.python(
        "from articles.models import Story\n"
        f"print(json.dumps(Story.objects.get(pk={pk}).get_absolute_url()))"
    )


def change(site, number, action, note):
    pk = site.seeded["stories"][str(number)]
    site.python(
        "from django.contrib.auth import get_user_model\n"
        "from articles.workflow import services\n"
        f"editor = get_user_model().objects.get(pk={site.seeded['editor']})\n"
        f"services.story_transition(story_id={pk}, user=editor, action={action!r},"
        f" note={note!r}, notify=False)\n"
        "print('null')"
    )


def cached(varnish, path):
    """Request path until Varnish answers it from its cache."""
    for _ in range(5):
        answer = varnish.get(path)
        if answer.headers.get("X-Cache") == "HIT":
            return answer
    raise AssertionError(f"{path} is never cached: {dict(answer.headers)}")


def within_a_second(check):
    deadline = time.monotonic() + 1.0
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_pages_are_cached_and_keys_stay_inside(edge):
    _site, _app, varnish = edge
    answer = cached(varnish, "/kk/")
    assert answer.status == 200
    assert "xkey" not in answer.headers
    assert "s-maxage" in answer.headers["Cache-Control"]


def test_a_withdrawn_story_leaves_varnish_within_a_second(edge):
    site, _app, varnish = edge
    story = path_of(site, 2)
    headline = "Жаңалық нөмірі 2 Әңгіме"
    for path in (story, "/kk/", "/kk/category/sport/"):
        assert headline in cached(varnish, path).text
    kept_since = time.monotonic()
    change(site, 2, "unpublish", "Дерек расталмады.")
    assert within_a_second(lambda: varnish.get(story).status == 410)
    assert time.monotonic() - kept_since < TTL  # not merely expired
    for path in ("/kk/", "/kk/category/sport/"):
        assert within_a_second(lambda p=path: headline not in varnish.get(p).text)


def test_a_correction_appears_within_a_second(edge):
    site, _app, varnish = edge
    story = path_of(site, 4)
    note = "Түзету: оқиға сәрсенбіде болды."
    assert note not in cached(varnish, story).text
    kept_since = time.monotonic()
    change(site, 4, "correct", note)
    assert within_a_second(lambda: note in varnish.get(story).text)
    assert time.monotonic() - kept_since < TTL  # not merely expired


def test_signed_in_editors_and_previews_are_never_cached(edge):
    site, _app, varnish = edge
    found = site.python(
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY,"
        " HASH_SESSION_KEY\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from articles.models import Category, Status, Story\n"
        "from articles.public.preview import share_url\n"
        f"editor = get_user_model().objects.get(pk={site.seeded['editor']})\n"
        "session = SessionStore()\n"
        "session[SESSION_KEY] = str(editor.pk)\n"
        "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "session[HASH_SESSION_KEY] = editor.get_session_auth_hash()\n"
        "session.save()\n"
        "draft = Story.objects.create(headline='Құпия жоба жайлы жоба',"
        " category=Category.objects.first(), status=Status.DRAFT)\n"
        "print(json.dumps({'session': session.session_key,"
        " 'share': share_url(draft), 'draft': draft.pk}))"
    )
    cookie = f"sessionid={found['session']}"
    for path in ("/kk/", f"/preview/{found['draft']}/", "/admin/"):
        for _ in range(3):
            answer = varnish.get(path, Cookie=cookie)
            assert answer.headers.get("X-Cache") == "MISS", path
    for _ in range(3):
        answer = varnish.get(found["share"])
        assert answer.status == 200
        assert "Құпия жоба жайлы жоба" in answer.text
        assert answer.headers.get("X-Cache") == "MISS"
    # The editor's pages were not stored for readers either.
    assert "Құпия жоба" not in varnish.get("/kk/").text


def test_varnish_serves_stale_pages_while_the_app_is_down(edge):
    _site, app, varnish = edge
    path = "/kk/category/ekonomika/"
    expected = cached(varnish, path).text
    app.stop()
    time.sleep(TTL + 3)  # past s-maxage, and the health probe has noticed
    for _ in range(5):
        answer = varnish.get(path)
        assert answer.status == 200
        assert answer.text == expected
