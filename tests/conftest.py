import atexit
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

# Each test run gets a cache folder of its own (shared with the processes the tests
# start), so that tests never empty the cache of a site served from this checkout.
if "LOCATION" in django_settings.CACHES["default"] and "REDIS_URL" not in os.environ:
    os.environ["NEWSROOM_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsroom-test-cache-")
    django_settings.CACHES["default"]["LOCATION"] = os.environ["NEWSROOM_CACHE_DIR"]
    atexit.register(shutil.rmtree, os.environ["NEWSROOM_CACHE_DIR"], True)
# With the suite spread over processes (pytest-xdist), each has a Redis database
# of its own: a test empties the cache (FLUSHDB), and must not empty another's.
if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    server, _, number = os.environ["REDIS_URL"].rpartition("/")
    first = int(number or 0)
    os.environ["REDIS_URL"] = (
        f"{server}/{first - worker if first >= worker else first + worker}"
    )
    django_settings.CACHES["default"]["LOCATION"] = os.environ["REDIS_URL"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test without cached pages or counters left by another."""
    from django.core.cache import cache

    from articles.core.cache import forget_due
    from articles.core.fragments import FRAGMENTS
    from articles.public.page_cache import MEMO

    cache.clear()
    MEMO.clear()
    FRAGMENTS.clear()
    forget_due()
    yield
    cache.clear()
    MEMO.clear()
    FRAGMENTS.clear()
    forget_due()


@pytest.fixture(autouse=True)
def _reads_counted_at_once(settings):
    settings.NEWSROOM_READS_GATHERED = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """force_login skips every sign-in step, the authenticator's code included (the
    sign-in steps themselves are tested through the forms)."""
    from django.test import Client

    from tests.browser import verify_two_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_two_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright; skipped only where it is not required."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and browser tests are required here.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="kk-KZ"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# The demo newsroom, loaded once per session: load_demo draws ~70 pictures and moves
# every story through the workflow (several seconds), so tests that only read the
# demo share one run of it, kept as a fixture file and restored into each test's
# own transaction.


@dataclass(frozen=True)
class DemoSnapshot:
    fixture: Path  # dumpdata of accounts, articles and authenticators after load_demo
    media: Path  # the pictures load_demo stored
    output: str  # what load_demo printed


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("demo")
    fixture, media, out = folder / "demo.json", folder / "media", io.StringIO()
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=out)
        # Users name their groups, whatever numbers the groups get.
        call_command(
            "dumpdata",
            "accounts",
            "articles",
            "otp_totp",
            natural_foreign=True,
            output=str(fixture),
        )
        transaction.set_rollback(True)  # the session's database stays empty
    return DemoSnapshot(fixture=fixture, media=media, output=out.getvalue())


def _restore_demo(snapshot: DemoSnapshot, settings) -> str:
    from django.core.management import call_command

    from articles.models import Story
    from articles.search import index as search_index

    settings.MEDIA_ROOT = snapshot.media
    call_command("loaddata", str(snapshot.fixture), verbosity=0)
    search_index.index_stories(Story.objects.values_list("pk", flat=True))
    return snapshot.output


@pytest.fixture
def demo(demo_snapshot, db, settings):
    """The demo newsroom, for tests that read it; returns what load_demo printed."""
    return _restore_demo(demo_snapshot, settings)
