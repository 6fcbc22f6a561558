"""Feed polling against a local HTTP server the tests start: no internet."""

import io
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.ingest.rss import (
    ERROR_FEED_TOO_LARGE,
    ERROR_HTTP,
    ERROR_NO_TITLE,
    ERROR_NOT_A_FEED,
    ERROR_SCHEME,
    ERROR_TIMEOUT,
    ERROR_XML_ENTITIES,
    FeedError,
    fetch_feed,
    parse_feed,
)
from articles.models import Category, SourceFeed, Status, Story, Tag
from tests.factories import make_category, make_chief, make_editor, make_source

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
ETAG = '"rss-v1"'
LAST_MODIFIED = "Thu, 19 Oct 2023 11:00:00 GMT"
SLOW_SECONDS = 2.0


class FeedServer(BaseHTTPRequestHandler):
    routes = {
        "/rss": ("rss2.xml", "application/rss+xml", {"ETag": ETAG}),
        "/rss-again": ("rss2.xml", "application/rss+xml", {}),
        "/atom": (
            "atom.xml",
            "application/atom+xml",
            {"Last-Modified": LAST_MODIFIED},
        ),
        "/atom-mirror": ("atom.xml", "application/atom+xml", {}),
        "/broken": ("broken.xml", "text/html", {}),
        "/entities": ("entities.xml", "application/rss+xml", {}),
    }
    seen: list = []

    def do_GET(self):
        self.seen.append((self.path, dict(self.headers)))
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        name, content_type, headers = route
        if ETAG == headers.get("ETag") == self.headers.get("If-None-Match") or (
            headers.get("Last-Modified")
            and headers["Last-Modified"] == self.headers.get("If-Modified-Since")
        ):
            self.send_response(304)
            self.end_headers()
            return
        body = (FEEDS / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    FeedServer.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def ingest(*args):
    out = io.StringIO()
    call_command("ingest_feeds", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts(out):
    """Read the summary table (in whatever language): {"created": n, ...}."""
    values = [int(c) for c in out.splitlines()[3].strip("|").split("|")]
    heads = ["created", "updated", "published", "skipped", "failed"]
    return dict(zip(heads, values, strict=True))


def tally(**nonzero):
    """Return the counts a summary should show: those given, zero for the rest."""
    return {
        head: nonzero.get(head, 0)
        for head in ["created", "updated", "published", "skipped", "failed"]
    }


def make_feed(url, **fields):
    fields.setdefault("source", make_source("TuraNews", home_url="https://turanews.kz"))
    return SourceFeed.objects.create(url=url, **fields)


def test_rss_items_become_drafts_in_review_credited_to_the_source(server):
    economy = make_category("Экономика", slug="economy")
    feed = make_feed(f"{server}/rss")
    out = ingest()
    stories = {s.headline: s for s in Story.objects.all()}
    assert set(stories) == {
        "Түркістанда жаңа зауыт ашылды",
        "В Шымкенте открыли новый парк",
    }
    kk = stories["Түркістанда жаңа зауыт ашылды"]
    ru = stories["В Шымкенте открыли новый парк"]
    assert {kk.status, ru.status} == {Status.IN_REVIEW}
    assert (kk.language, ru.language) == ("kk", "ru")
    assert kk.source == ru.source == feed.source
    assert kk.category == economy
    assert ru.category == Category.objects.get(name="Жаңалықтар")
    assert (
        kk.original_url == "https://turanews.kz/ekonomika/zhana-zauyt/?utm_source=rss"
    )
    assert list(kk.tags.values_list("name", flat=True)) == ["өнеркәсіп"]
    assert not Tag.objects.filter(name="Экономика").exists()
    assert "деп хабарлайды TuraNews.kz" in kk.body
    for bad in ("<script", "onclick", "javascript:", "alert"):
        assert bad not in kk.body
    assert kk.dek == "Зауыт 300 адамды жұмыспен қамтиды."
    assert "<b>12 гектаров</b>" in ru.body
    assert Story.objects.published().count() == 0
    feed.refresh_from_db()
    assert (feed.last_status, feed.last_new_items, feed.etag) == (200, 2, ETAG)
    assert feed.last_checked_at is not None
    assert str(ERROR_NO_TITLE) in feed.last_error
    assert "#3" in feed.last_error
    assert f"{server}/rss #3 (turanews-1003): {ERROR_NO_TITLE}" in out


def test_second_run_uses_conditional_get_and_creates_nothing(server):
    feed = make_feed(f"{server}/rss")
    ingest()
    ingest()
    assert Story.objects.count() == 2
    assert FeedServer.seen[-1][1].get("If-None-Match") == ETAG
    feed.refresh_from_db()
    assert (feed.last_status, feed.last_new_items, feed.last_error) == (304, 0, "")
    assert feed.etag == ETAG


def test_items_seen_before_are_skipped_when_the_server_ignores_conditions(server):
    make_feed(f"{server}/rss-again")
    ingest()
    out = ingest()
    assert Story.objects.count() == 2
    assert counts(out) == tally(skipped=2, failed=1)


def test_atom_with_last_modified_and_dedup_by_url_across_sources(server):
    kazinform = make_source("Kazinform")
    feed = make_feed(f"{server}/atom", source=kazinform)
    ingest()
    stories = {s.headline: s for s in Story.objects.all()}
    assert set(stories) == {"Астана принимает форум", "Ақтөбеде жол жөнделді"}
    assert stories["Астана принимает форум"].language == "ru"
    assert stories["Ақтөбеде жол жөнделді"].body == (
        "<p>Жол жөндеу жұмыстары аяқталды.</p>\n<p>Көлік қозғалысы ашылды.</p>"
    )
    feed.refresh_from_db()
    assert feed.last_modified == LAST_MODIFIED
    ingest()
    assert FeedServer.seen[-1][1].get("If-Modified-Since") == LAST_MODIFIED
    feed.refresh_from_db()
    assert feed.last_status == 304
    # The same articles through another source's feed: same URLs, new GUID scope.
    make_feed(f"{server}/atom-mirror", source=make_source("Mirror"))
    ingest()
    assert Story.objects.count() == 2


@pytest.mark.parametrize(
    ("path", "message", "params"),
    [
        ("/missing", ERROR_HTTP, {"status": 404}),
        ("/entities", ERROR_XML_ENTITIES, None),
        ("/broken", ERROR_NOT_A_FEED, {"error": ""}),
    ],
)
def test_bad_feeds_are_recorded_and_the_others_still_read(
    server, path, message, params
):
    error = str(message % params if params else message).rstrip(": ")
    bad = make_feed(f"{server}{path}")
    good = make_feed(f"{server}/rss", source=bad.source)
    out = ingest()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert str(error) in bad.last_error
    assert bad.last_new_items == 0
    assert good.last_new_items == 2
    assert f"{server}{path}: {error}" in out
    assert Story.objects.count() == 2


def test_slow_feed_times_out(server):
    feed = make_feed(f"{server}/slow")
    FeedServer.routes["/slow"] = FeedServer.routes["/rss-again"]
    try:
        started = time.monotonic()
        ingest("--timeout", "0.5")
        elapsed = time.monotonic() - started
    finally:
        del FeedServer.routes["/slow"]
    feed.refresh_from_db()
    assert feed.last_error == str(ERROR_TIMEOUT % {"seconds": 0.5})
    assert elapsed < SLOW_SECONDS
    assert not Story.objects.exists()


def test_size_limit_and_schemes(server):
    with pytest.raises(
        FeedError, match=re.escape(str(ERROR_FEED_TOO_LARGE % {"limit": 100}))
    ):
        fetch_feed(f"{server}/rss-again", max_bytes=100)
    with pytest.raises(FeedError, match=re.escape(str(ERROR_SCHEME))):
        fetch_feed("file:///etc/passwd")


def test_inactive_feeds_wait_unless_named(server):
    feed = make_feed(f"{server}/rss", active=False)
    ingest()
    assert not Story.objects.exists()
    ingest("--feed", str(feed.pk))
    assert Story.objects.count() == 2


def test_admin_shows_each_feeds_last_run(server, client):
    feed = make_feed(f"{server}/missing")
    ingest()
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_sourcefeed_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert feed.url in text
    assert "404" in text
    assert client.get(reverse("admin:articles_sourcefeed_add")).status_code == 403
    client.force_login(make_chief())
    assert client.get(reverse("admin:articles_sourcefeed_add")).status_code == 200


def test_a_doctype_alone_is_accepted_but_entities_are_not():
    old = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//'
        b'DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old</title><link>https://old.kz/</link>'
        b"<item><title>\xd0\x96\xd0\xb0\xd2\xa3\xd0\xb0\xd0\xbb\xd1\x8b\xd2\x9b</title>"
        b"<link>https://old.kz/1</link></item></channel></rss>"
    )
    assert [e.title for e in parse_feed(old).entries] == ["Жаңалық"]
    with pytest.raises(FeedError, match=re.escape(str(ERROR_XML_ENTITIES))):
        parse_feed((FEEDS / "entities.xml").read_bytes())
