"""A change a command makes reaches readers as quickly as an editor's change.

Commands invalidate the public pages' cache through the service the admin's changes
use (articles.core.cache.purge_public), once everything they wrote is in place; a
site whose cache is shared by its processes then shows the change at once.
"""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from articles.core import cache as caching
from articles.models import Story
from articles.search import index as search_index
from articles.search import results as search_results
from tests.factories import make_category, make_story
from tests.test_feeds_ingest import FeedServer, make_feed, server  # noqa: F401

# Committed for real, as in production: the workflow's purges run on commit.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
WP = Path(__file__).parent / "fixtures" / "wordpress"
HEADLINE = "Шымкентте жаңа су құбыры іске қосылды"
STORY_FILE = f"Экономика\n\n{HEADLINE}\n\nҚұбыр 40 мың тұрғынды сумен қамтиды.\n"


@pytest.fixture(autouse=True)
def _empty_search_index():
    """Leave no index rows behind: flushing the tables after a test that commits
    does not reach the search table, which is no Django model."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.INDEX_TABLE}")


def url(name, **kwargs):
    with translation.override("kk"):
        return reverse(f"articles:{name}", kwargs=kwargs or None)


def reader_pages(category_slug):
    return [
        url("home"),
        url("feed"),
        url("feed_atom"),
        url("category", slug=category_slug),
        url("category_feed", slug=category_slug),
        "/feed/",
        "/feed/atom/",
        "/sitemap-stories.xml",
    ]


def shows(client, page, headline):
    """Return whether page names the story: its headline, or its address (sitemap)."""
    html = client.get(page).content.decode()
    story = Story.objects.get(headline=headline)
    return headline in html or story.get_absolute_url() in html


def warm(client, pages):
    """Have readers load (and the site cache) every page once."""
    for page in pages:
        assert client.get(page).status_code == 200, page


def run(command, *args):
    call_command(command, *map(str, args), stdout=io.StringIO(), stderr=io.StringIO())


def test_import_stories_reaches_readers_at_once(client, tmp_path):
    category = make_category("Экономика", slug="ekonomika")
    make_story("Ескі жаңалық", status="published", category=category)
    pages = reader_pages("ekonomika")
    warm(client, pages)
    (tmp_path / "story.txt").write_text(STORY_FILE, "utf-8")
    run("import_stories", "--publish", tmp_path / "story.txt")
    for page in pages:
        assert shows(client, page, HEADLINE), page


def test_import_wordpress_reaches_readers_at_once(client, tmp_path):
    make_category("Экономика", slug="ekonomika")
    pages = reader_pages("ekonomika")
    warm(client, pages)
    shutil.copy(WP / "export.xml", tmp_path / "export.xml")
    run("import_wordpress", tmp_path / "export.xml")
    headline = "Түркістанда жаңа зауыт ашылды"
    for page in pages:
        assert shows(client, page, headline), page
    # The old address answers at once too, although it answered 404 before.
    story = Story.objects.get(headline=headline)
    assert client.get("/", {"p": "11"})["Location"] == story.get_absolute_url()


def test_load_demo_reaches_readers_at_once(client):
    warm(client, [url("home"), url("feed")])
    run("load_demo")
    home = client.get(url("home")).content.decode()
    newest = Story.objects.published().in_language("kk").order_by("-published_at")
    assert newest.first().headline in home
    assert newest.first().headline in client.get(url("feed")).content.decode()


def test_ingest_feeds_purges_after_a_run_that_brought_something(server):  # noqa: F811
    make_feed(f"{server}/rss")
    before = caching.generation()
    run("ingest_feeds")
    assert Story.objects.exists()
    after = caching.generation()
    assert after != before
    run("ingest_feeds")  # nothing new (304): readers' pages are left alone
    assert caching.generation() == after


def test_the_purge_comes_after_everything_the_import_wrote(tmp_path, monkeypatch):
    """Pages made after the purge must show all of the import, search included:
    the index is written at the end of the run, so the purge must come later."""
    purges = []
    really_purge = caching.purge_public

    def purge(keys=None):
        story = Story.objects.filter(headline=HEADLINE).first()
        found = [s.pk for s in search_results.search_stories("құбыры")[0:20]]
        purges.append(story is not None and story.pk in found)
        really_purge(keys)

    monkeypatch.setattr(caching, "purge_public", purge)
    (tmp_path / "story.txt").write_text(STORY_FILE, "utf-8")
    run("import_stories", "--publish", tmp_path / "story.txt")
    assert purges, "the import never made the public pages stale"
    assert purges[-1] is True  # the last purge sees the story in the index


def _shared_database() -> dict | None:
    """Return DATABASE_URL for another process to reach this test database."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or "5432"
        return {
            "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
        }
    name = str(db["NAME"])
    if connection.vendor == "sqlite" and "memory" not in name and name:
        return {"DATABASE_URL": f"sqlite:///{name}"}
    return None


def _shared_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def test_an_import_in_another_process_reaches_this_one(client, tmp_path):
    database = _shared_database()
    if database is None or not _shared_cache():
        pytest.skip(
            "Needs a database and a cache this test process shares with a command "
            "run in another process (PostgreSQL or a file SQLite test database, "
            f"and a shared cache); here: {connection.vendor}, "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}."
        )
    make_category("Экономика", slug="ekonomika")
    pages = reader_pages("ekonomika")
    warm(client, pages)
    assert cache.get(caching.SEQUENCE_KEY) is not None  # the pages are cached
    (tmp_path / "story.txt").write_text(STORY_FILE, "utf-8")
    env = {
        **os.environ,
        **database,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
    }
    subprocess.run(
        [sys.executable, "manage.py", "import_stories", "--publish"]
        + [str(tmp_path / "story.txt")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    for page in pages:
        assert shows(client, page, HEADLINE), page
