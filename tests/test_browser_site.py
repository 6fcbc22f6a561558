"""The readers' site in Chromium at phone and desktop sizes, checked with axe-core
and the Nu HTML checker."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Category, Story
from articles.workflow import services

from .browser import login
from .factories import image_bytes, make_author, make_editor
from .validator import nu_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
WORDPRESS = Path(__file__).resolve().parent / "fixtures/wordpress"
WORDPRESS_HEADLINE = "Түркістанда жаңа зауыт ашылды"
EDITOR_HEADLINE = "Алматыда жаңа кітапхана ашылды"
SEARCH_WORDS = {"kk": "бюджет", "kk-latn": "büdjet", "ru": "бюджет", "en": "budget"}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        reason = f"{AXE} is missing: run `npm ci` (python3 dev.py test does it)."
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def pages_to_check(language, extra=()):
    """Return every kind of public page in language, with the stories in extra."""
    # The Latin-script edition (kk-latn) carries the Kazakh stories.
    public = Story.objects.published().in_language(language[:2])
    story = (
        public.filter(hero_image__isnull=False, translation_of__isnull=False).first()
        or public.first()
    )
    day = timezone.localtime(story.published_at)
    with translation.override(language):
        pages = {
            "home": reverse("articles:home"),
            "category": story.category.get_absolute_url(),
            "story": story.get_absolute_url(),
            "corrections": reverse("articles:corrections"),
            "archive-year": reverse("articles:archive_year", args=[day.year]),
            "archive-month": reverse(
                "articles:archive_month", args=[day.year, day.month]
            ),
            "archive-day": reverse(
                "articles:archive_day", args=[day.year, day.month, day.day]
            ),
            "search": reverse("articles:search") + "?q=" + SEARCH_WORDS[language],
            "not-found": f"/{language}/no-such-section/no-such-story/",
        }
        for name, related in [
            ("tag", story.tags.first()),
            ("author", story.authors.first()),
            ("source", story.source),
        ]:
            if related is not None:
                pages[name] = related.get_absolute_url()
        subsection = Category.objects.filter(
            parent__isnull=False, stories__in=public
        ).first()
        if subsection is not None:
            pages["subsection"] = subsection.get_absolute_url()
    for name, other in extra:
        if other.language == language[:2]:
            with translation.override(language):
                pages[name] = other.get_absolute_url()
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
    """Run every axe-core rule (best practices too); return all findings."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("() => axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"][0]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def import_wordpress_export(tmp_path):
    shutil.copy(WORDPRESS / "export.xml", tmp_path / "export.xml")
    shutil.copytree(WORDPRESS / "uploads", tmp_path / "uploads")
    # The command answers in the language it is set to; keep the test's own.
    with translation.override("kk"):
        call_command(
            "import_wordpress", str(tmp_path / "export.xml"), stdout=io.StringIO()
        )
    return Story.objects.published().get(headline=WORDPRESS_HEADLINE)


def write_in_the_editor(browser, live_server, tmp_path):
    """Write a story with every kind of block in the real editor; publish it."""
    editor = make_editor(username="daniyar")
    make_author("Данияр Сейітов", user=editor)
    picture = tmp_path / "kitaphana.jpg"
    picture.write_bytes(image_bytes(size=(960, 540), color=(30, 90, 160)))
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "daniyar")
        page.goto(f"{live_server.url}/admin/articles/story/add/")
        page.fill("#id_headline", EDITOR_HEADLINE)
        page.fill("#id_dek", "Жаңа ғимаратта үш оқу залы мен балалар бөлімі бар.")
        body = page.locator(".ck-editor__editable").first
        body.click()
        keys = page.keyboard
        keys.type("Кітапхана ")
        keys.press("Control+B")
        keys.type("қыркүйекте")
        keys.press("Control+B")
        keys.type(" ашылды, деп хабарлайды TuraNews.kz.")
        keys.press("Enter")
        keys.type("Оқу залдары")
        page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
        page.locator(".ck-heading-dropdown .ck-list__item button").nth(1).click()
        keys.press("End")
        keys.press("Enter")
        keys.type("* балалар залы")
        keys.press("Enter")
        keys.type("мерзімді басылымдар залы")
        keys.press("Enter")
        keys.press("Enter")
        keys.type("> Кітап оқитын ел озады.")
        keys.press("Enter")
        keys.press("Enter")
        with page.expect_response(lambda r: "/editor/images/upload/" in r.url):
            page.locator(
                ".ck-file-dialog-button input[type=file]"
            ).first.set_input_files(str(picture))
        page.locator(".ck-editor__editable figure.image img").click()
        # The picture's toolbar: text alternative, then caption.
        image_toolbar = page.locator(".ck-balloon-panel_visible .ck-toolbar")
        image_toolbar.locator(".ck-button").first.click()
        page.locator(".ck-balloon-panel_visible input").first.fill("Оқу залы")
        keys.press("Enter")
        page.locator(".ck-editor__editable figure.image img").click()
        image_toolbar.locator(".ck-button").nth(1).click()
        page.locator(".ck-editor__editable figure.image figcaption").click()
        keys.type("Кітапхананың оқу залы")
        page.select_option("#id_category", str(Category.objects.first().pk))
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
    finally:
        context.close()
    story = Story.objects.get(headline=EDITOR_HEADLINE)
    assert "<h2>" in story.body
    assert "<figure" in story.body
    assert "<ul>" in story.body
    for action in ("submit", "publish"):
        story = services.story_transition(story_id=story.pk, user=editor, action=action)
    return story


def test_every_public_page_passes_axe_and_the_nu_checker(
    chromium_browser, live_server, artifacts_dir, axe_source, tmp_path
):
    """Zero axe-core findings and zero Nu errors on every public page, in every
    language, at phone and desktop sizes, with a story written in the editor and
    one imported from WordPress among them."""
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    extra = [
        ("editor-story", write_in_the_editor(chromium_browser, live_server, tmp_path)),
        ("wordpress-story", import_wordpress_export(tmp_path)),
    ]
    problems, documents = {}, {}
    for language in ("kk", "kk-latn", "ru", "en"):
        pages = pages_to_check(language, extra)
        for size, (width, height) in VIEWPORTS.items():
            context = chromium_browser.new_context(
                viewport={"width": width, "height": height},
                locale=f"{language[:2]}-KZ",
                # axe-core is injected as an inline script, which the site's CSP
                # refuses; tests/test_browser_csp.py checks the policy itself.
                bypass_csp=True,
            )
            page = context.new_page()
            try:
                for name, path in pages.items():
                    response = page.goto(live_server.url + path)
                    expected = 404 if name == "not-found" else 200
                    assert response.status == expected, path
                    documents.setdefault(f"{language} {name} {path}", response.text())
                    if language == "kk":
                        check_and_save_looks(page, artifacts_dir, name, size, path)
                    found = axe_problems(page, axe_source)
                    if found:
                        problems[f"{language} {size} {path}"] = found
            finally:
                context.close()
    nu = nu_errors(documents, tmp_path)
    report = [f"{where}: {p}" for where, found in problems.items() for p in found]
    assert not report, "\n".join(report)
    assert not nu, "\n".join(nu)


def check_and_save_looks(page, artifacts_dir, name, size, path):
    load_everything(page)
    page.screenshot(path=artifacts_dir / f"site-{name}-{size}.png", full_page=True)
    page.screenshot(path=artifacts_dir / f"site-{name}-{size}-fold.png")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size}"
    broken = page.evaluate(
        """() => [...document.images]
            .filter(i => i.complete && i.naturalWidth === 0)
            .map(i => i.currentSrc || i.src)"""
    )
    assert not broken, broken


def test_site_works_without_javascript(chromium_browser, live_server):
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/kk/")
        category = Category.objects.filter(parent__isnull=True).first()
        with translation.override("kk"):  # the front page above is the Kazakh one
            address = category.get_absolute_url()
        page.click(f'.sections a[href="{address}"]')
        page.wait_for_url(f"**{address}")
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
