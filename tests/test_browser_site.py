"""The readers' site in Chromium at phone and desktop sizes, checked with axe-core."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from articles.models import Category, Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        reason = f"{AXE} is missing: run `npm ci` (python3 dev.py test does it)."
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def pages_to_check(language="kk"):
    story = (
        Story.objects.published()
        .in_language(language)
        .filter(hero_image__isnull=False, translation_of__isnull=False)
        .first()
        or Story.objects.published().in_language(language).first()
    )
    category = story.category
    pages = {
        "home": "/kk/",
        "category": category.get_absolute_url(),
        "story": story.get_absolute_url(),
    }
    try:
        with translation.override(language):
            pages["search"] = (
                reverse("articles:search") + "?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82"
            )
    except NoReverseMatch:
        pass
    if language == "kk":
        # The same pages in the Latin-script edition.
        with translation.override("kk-latn"):
            pages["latin-home"] = reverse("articles:home")
            pages["latin-story"] = story.get_absolute_url()
            pages["latin-search"] = pages["search"].replace("/kk/", "/kk-latn/", 1)
    return pages


def load_everything(page):
    """Scroll through the page so lazy pictures load before a screenshot."""
    page.evaluate(
        """async () => {
            const pause = ms => new Promise(r => setTimeout(r, ms));
            for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
                window.scrollTo({top: y, behavior: 'instant'});
                await pause(60);
            }
            const pending = [...document.images].filter(i => !i.complete);
            await Promise.race([
                Promise.all(pending.map(i => new Promise(r => {
                    i.addEventListener('load', r); i.addEventListener('error', r);
                }))),
                pause(5000),
            ]);
            window.scrollTo({top: 0, behavior: 'instant'});
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)


def axe_problems(page, axe_source):
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_pages_look_right_and_pass_axe(
    chromium_browser, live_server, artifacts_dir, axe_source, size
):
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    width, height = VIEWPORTS[size]
    context = chromium_browser.new_context(
        viewport={"width": width, "height": height}, locale="kk-KZ"
    )
    page = context.new_page()
    problems = {}
    try:
        for name, path in pages_to_check().items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            load_everything(page)
            page.screenshot(
                path=artifacts_dir / f"site-{name}-{size}.png", full_page=True
            )
            page.screenshot(path=artifacts_dir / f"site-{name}-{size}-fold.png")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size}"
            broken = page.evaluate(
                """() => [...document.images]
                    .filter(i => i.complete && i.naturalWidth === 0)
                    .map(i => i.currentSrc || i.src)"""
            )
            assert not broken, broken
            found = axe_problems(page, axe_source)
            if found:
                problems[path] = found
    finally:
        context.close()
    assert not problems, problems


def test_site_works_without_javascript(chromium_browser, live_server):
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/kk/")
        category = Category.objects.filter(parent__isnull=True).first()
        page.click(f'.sections a[href="{category.get_absolute_url()}"]')
        page.wait_for_url(f"**{category.get_absolute_url()}")
        page.locator(".card-title a").first.click()
        page.wait_for_load_state()
        assert page.locator("article.story h1").is_visible()
        page.click('.languages a[hreflang="ru"]')
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "ru"
        page.click(".to-top")
        for _ in range(30):  # the scroll is smooth; scripts are off, so poll
            if page.evaluate("window.scrollY") == 0:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("window.scrollY") == 0
    finally:
        context.close()
