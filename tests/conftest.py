import atexit
import os
import shutil
import tempfile

import pytest
from django.conf import settings as django_settings

# Each test run gets a cache folder of its own (shared with the processes the tests
# start), so that tests never empty the cache of a site served from this checkout.
if "LOCATION" in django_settings.CACHES["default"] and "REDIS_URL" not in os.environ:
    os.environ["NEWSROOM_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsroom-test-cache-")
    django_settings.CACHES["default"]["LOCATION"] = os.environ["NEWSROOM_CACHE_DIR"]
    atexit.register(shutil.rmtree, os.environ["NEWSROOM_CACHE_DIR"], True)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test without cached pages or counters left by another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reads_counted_at_once(settings):
    settings.NEWSROOM_READS_GATHERED = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
