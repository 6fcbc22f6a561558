"""The story editor speaks the admin's language: no English in its toolbar,
dropdowns, balloons or dialogs for a Kazakh or Russian journalist."""

import re

import pytest
from django.conf import settings

from .browser import login
from .factories import image_bytes, make_journalist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Latin-letter tokens that are no English words: key names printed on keyboards,
# formats, units and the examples CSS itself wants ("red", "rgb").
NOT_ENGLISH = {
    "Alt", "Ctrl", "Cmd", "Shift", "Enter", "Esc", "ESC", "Tab", "Fn", "Space",
    "Backspace", "Delete", "Home", "End", "PageUp", "PageDown",
    "HTML", "URL", "HEX", "CKEditor", "px", "em", "rgb", "red", "FF0000", "ff0000",
    "BACK", "END", "ON", "SOON", "TOP", "IJ", "ij", "br", "TuraNews", "kz",
}  # fmt: skip
TOOLBAR = settings.CKEDITOR_5_CONFIGS["default"]["toolbar"]["items"]
WORD = re.compile(r"[A-Za-z]{2,}")
URL = re.compile(r"^https?://\S+$")

# Every visible text and every label a person or a screen reader meets in the
# editor's interface (toolbars, dropdowns, balloons, dialogs, the word count).
COLLECT = """() => {
    const found = new Set();
    const add = (text) => { text = (text || '').trim(); if (text) found.add(text); };
    const roots = document.querySelectorAll('.ck-editor, .ck-body-wrapper, .ck-word-count');
    for (const root of roots) {
        for (const el of [root, ...root.querySelectorAll('*')]) {
            for (const name of ['aria-label', 'title', 'placeholder', 'data-placeholder',
                                'data-cke-tooltip-text', 'aria-description', 'alt']) {
                add(el.getAttribute(name));
            }
            // The text the person typed is theirs; everything else is interface.
            if (el.closest('.ck-editor__editable') && !el.closest('[contenteditable=false]')) {
                continue;
            }
            for (const node of el.childNodes) {
                if (node.nodeType === Node.TEXT_NODE) add(node.textContent);
            }
        }
    }
    return [...found];
}"""


def english_in(strings):
    return sorted(
        s
        for s in strings
        if not URL.match(s) and any(w not in NOT_ENGLISH for w in WORD.findall(s))
    )


class EditorTour:
    """Open every part of the editor a journalist can reach, noting what it says."""

    def __init__(self, page):
        self.page = page
        self.seen = {}

    def note(self, where):
        self.page.wait_for_timeout(150)
        for text in self.page.evaluate(COLLECT):
            self.seen.setdefault(text, where)

    def balloon(self):
        return self.page.locator(".ck-balloon-panel_visible").last

    def toolbar_button(self, index):
        return self.page.locator(".ck-editor__top .ck-toolbar__items > *").nth(index)


def write_and_tour(page, live_server, tmp_path, artifacts_dir, language):
    picture = tmp_path / "kitap.jpg"
    picture.write_bytes(image_bytes(size=(640, 360), color=(40, 120, 90)))
    page.goto(f"{live_server.url}/admin/articles/story/add/")
    editor = page.locator(".ck-editor__editable").first
    editor.wait_for()
    tour = EditorTour(page)
    tour.note("toolbar")

    # Heading dropdown: choose a heading, then look at it.
    editor.click()
    page.keyboard.type("Кітапхана жаңарды")
    page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
    tour.note("heading dropdown")
    page.locator(".ck-heading-dropdown .ck-list__item button").nth(1).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Оқырмандар саны екі есе өсті, деп хабарлайды TuraNews.kz.")

    # Link balloon: create, then the balloon of an existing link.
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+k")
    tour.balloon().locator("input").first.wait_for()
    tour.note("link form")
    page.keyboard.type("https://turanews.kz/kk/")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(".ck-link-toolbar, .ck-link-actions", timeout=5000)
    tour.note("link actions")
    page.keyboard.press("Escape")
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    # Lists: their buttons change label with their state.
    tour.toolbar_button(TOOLBAR.index("bulletedList")).click()
    page.keyboard.type("Бірінші тармақ")
    tour.note("list")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    # A picture from the computer, then its toolbar and the alt-text balloon.
    with page.expect_response(lambda r: "/editor/images/upload/" in r.url) as upload:
        page.locator(".ck-file-dialog-button input[type=file]").first.set_input_files(
            str(picture)
        )
    assert upload.value.status == 200
    page.wait_for_selector(".ck-editor__editable img")
    page.locator(".ck-editor__editable figure.image").first.click()
    page.wait_for_selector(".ck-balloon-panel_visible .ck-toolbar")
    tour.note("image toolbar")
    tour.balloon().locator(".ck-toolbar .ck-button").first.click()
    tour.balloon().locator("input").first.wait_for()
    tour.note("image text alternative")
    page.keyboard.type("Жаңа оқу залы")
    page.keyboard.press("Enter")

    # A table, with its column, row and merge menus.
    page.locator(".ck-editor__editable p").last.click()
    for index in range(page.locator(".ck-editor__top .ck-toolbar__items > *").count()):
        dropdown = tour.toolbar_button(index).locator(".ck-dropdown__button")
        if dropdown.count() and "ck-heading-dropdown" not in (
            tour.toolbar_button(index).get_attribute("class") or ""
        ):
            dropdown.click()
            tour.note(f"toolbar dropdown {index}")
            page.keyboard.press("Escape")
    table_dropdown = tour.toolbar_button(TOOLBAR.index("insertTable"))
    table_dropdown.locator(".ck-dropdown__button").click()
    table_dropdown.locator(".ck-insert-table-dropdown-grid-box").nth(5).click()
    page.wait_for_selector(".ck-editor__editable table")
    page.locator(".ck-editor__editable td").first.click()
    page.wait_for_selector(".ck-balloon-panel_visible .ck-toolbar")
    menus = tour.balloon().locator(".ck-dropdown__button")
    for index in range(menus.count()):
        menus.nth(index).click()
        tour.note(f"table menu {index}")
        page.keyboard.press("Escape")
        page.locator(".ck-editor__editable td").first.click()

    # Media embed form, and every button's tooltip.
    page.locator(".ck-editor__editable p").last.click()
    tour.toolbar_button(TOOLBAR.index("mediaEmbed")).click()
    page.wait_for_selector(".ck-media-form input, .ck-dialog input")
    tour.note("media form")
    page.keyboard.press("Escape")
    for index, name in enumerate(TOOLBAR):
        if name != "|":
            tour.toolbar_button(index).hover()
            tour.note(f"tooltip of {name}")

    # The accessibility help dialog lists every keystroke of every plugin.
    editor.click()
    page.keyboard.press("Alt+0")
    page.wait_for_selector(".ck-dialog")
    tour.note("accessibility help")
    page.keyboard.press("Escape")

    page.locator(".ck-editor__editable h2").first.scroll_into_view_if_needed()
    page.screenshot(
        path=artifacts_dir / f"admin-editor-{language}.png", full_page=False
    )
    return tour


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_in_the_editor(
    chromium_browser, live_server, tmp_path, artifacts_dir, language
):
    make_journalist(username="aigerim")
    context = chromium_browser.new_context(
        viewport={"width": 1366, "height": 900}, locale=f"{language}-KZ"
    )
    page = context.new_page()
    try:
        login(page, live_server, "aigerim")
        tour = write_and_tour(page, live_server, tmp_path, artifacts_dir, language)
        dictionary_gaps = page.evaluate(
            """(language) => {
                const all = window.CKEDITOR_TRANSLATIONS;
                const ours = (all[language] || {}).dictionary || {};
                return Object.keys(all.en.dictionary).filter(key => !ours[key]);
            }""",
            language,
        )
        word_count = page.locator(".ck-word-count").inner_text()
    finally:
        context.close()
    english = [f"{tour.seen[text]}: {text}" for text in english_in(tour.seen)]
    assert not english, "\n".join(english)
    assert not dictionary_gaps, dictionary_gaps
    expected = {"kk": ("Сөз:", "Таңба:"), "ru": ("Слов:", "Символов:")}[language]
    assert all(label in word_count for label in expected), word_count
    # Enough of the interface was seen for the check to mean something.
    assert len(tour.seen) > 60, len(tour.seen)


def test_headings_in_the_editor_look_like_headings(page, live_server, artifacts_dir):
    """Also the README's picture of the admin in Kazakh (test-artifacts/)."""
    make_journalist(username="aigerim", first_name="Әйгерім")
    login(page, live_server, "aigerim")
    page.goto(f"{live_server.url}/admin/articles/story/add/")
    page.fill("#id_headline", "Алматыда жаңа кітапхана ашылды")
    page.fill("#id_dek", "Кітапхана күн сайын 22:00-ге дейін жұмыс істейді.")
    editor = page.locator(".ck-editor__editable").first
    editor.click()
    page.keyboard.type("Кітапхана 2026 жылы салынды, деп хабарлайды TuraNews.kz.")
    page.keyboard.press("Enter")
    page.keyboard.type("Оқу залдары")
    page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
    page.locator(".ck-heading-dropdown .ck-list__item button").nth(1).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Ғимаратта үш оқу залы бар:")
    page.keyboard.press("Enter")
    page.keyboard.type("* балалар залы")
    page.keyboard.press("Enter")
    page.keyboard.type("мерзімді басылымдар залы")
    sizes = page.evaluate(
        """() => Object.fromEntries(['h2', 'p'].map(tag => {
            const style = getComputedStyle(
                document.querySelector('.ck-editor__editable ' + tag));
            return [tag, [parseFloat(style.fontSize), parseInt(style.fontWeight)]];
        }))"""
    )
    (h2_size, h2_weight), (p_size, _p_weight) = sizes["h2"], sizes["p"]
    assert h2_size >= 1.4 * p_size, sizes
    assert h2_weight >= 600, sizes

    page.locator(".ck-editor__editable h2").click()
    page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
    page.locator(".ck-heading-dropdown .ck-list").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts_dir / "admin-story-form-kk.png")
