"""The Content-Security-Policy is enforced and nothing on the admin (CKEditor 5
included) or the readers' site breaks it: Chromium reports every violation."""

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Story

from .browser import login
from .factories import (
    image_bytes,
    make_category,
    make_chief,
    make_image,
    make_story,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts; Playwright's bindings cross
# navigations, so nothing a page reports between two steps is lost.
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                          e.disposition, document.location.pathname].join(" | "));
});
"""


def console_errors(message, url):
    if message.type != "error":
        return []
    # The browser asks every page for /favicon.ico by itself; a 404 there is no
    # policy problem (and the admin's favicon is another change).
    if message.location.get("url", "").endswith("/favicon.ico"):
        return []
    return [f"console error: {message.text} ({url})"]


@pytest.fixture
def watched(chromium_browser):
    context = chromium_browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="kk-KZ"
    )
    found = []
    context.expose_binding(
        "reportViolation", lambda source, text: found.append(f"violation: {text}")
    )
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on("console", lambda m: found.extend(console_errors(m, page.url)))
    page.on("pageerror", lambda e: found.append(f"page error: {e} ({page.url})"))
    yield page, found
    context.close()


def open_ok(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    header = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in header, (url, header)
    assert "content-security-policy-report-only" not in response.headers
    page.wait_for_load_state("networkidle")


def test_admin_and_site_run_under_the_policy_without_a_violation(
    watched, live_server, artifacts_dir, tmp_path
):
    page, found = watched
    picture = tmp_path / "жағалау.jpg"
    picture.write_bytes(image_bytes(size=(640, 360), color=(20, 110, 150)))
    make_chief(username="gulnar")
    category = make_category("Экономика", slug="ekonomika")
    story = make_story(
        "Түркістанда жаңа зауыт ашылды",
        status="published",
        category=category,
        body="<p>Зауыт <strong>қыркүйекте</strong> іске қосылды.</p>",
        hero_image=make_image(),
    )

    login(page, live_server, "gulnar")  # password, then the authenticator's code
    open_ok(page, f"{live_server.url}/admin/")
    open_ok(page, f"{live_server.url}{reverse('admin:articles_story_changelist')}")
    open_ok(page, f"{live_server.url}{reverse('admin:articles_story_add')}")
    page.fill("#id_headline", "Ақтауда теңіз жағалауы жаңарды")
    page.fill("#id_dek", "Жағалау жолы 4 шақырымға созылды.")
    editor = page.locator(".ck-editor__editable").first
    editor.click()
    page.keyboard.type("Жаңа жол")
    page.keyboard.press("Enter")
    # Heading, from the toolbar's dropdown.
    page.click(".ck-heading-dropdown button.ck-dropdown__button")
    page.click(".ck-heading-dropdown .ck-list__item:nth-child(2) button")
    page.keyboard.type("Жоба туралы")
    page.keyboard.press("Enter")
    page.keyboard.type("Жұмыс ")
    page.keyboard.press("Control+B")
    page.keyboard.type("бір жылда")
    page.keyboard.press("Control+B")
    page.keyboard.type(" бітті.")
    page.keyboard.press("Enter")
    page.keyboard.type("- ")  # autoformat: a bulleted list
    page.keyboard.type("жаяу жол")
    page.keyboard.press("Enter")
    page.keyboard.type("велосипед жолы")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # A picture from the computer, uploaded and shown in the editor.
    with page.expect_response(lambda r: "/editor/images/upload/" in r.url) as upload:
        page.locator(".ck-file-dialog-button input[type=file]").first.set_input_files(
            str(picture)
        )
    assert upload.value.status == 200
    page.wait_for_selector(".ck-editor__editable img")
    page.keyboard.press("Enter")  # a new paragraph after the picture
    page.keyboard.type("Толығырақ")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+K")
    page.locator(".ck-link-form input").last.fill("https://turanews.kz/")
    page.keyboard.press("Enter")
    page.select_option("#id_category", str(category.pk))
    page.screenshot(path=artifacts_dir / "csp-admin-editor.png", full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    saved = Story.objects.get(headline="Ақтауда теңіз жағалауы жаңарды")
    assert "<h2>Жоба туралы</h2>" in saved.body
    assert "<strong>бір жылда</strong>" in saved.body
    assert "<ul>" in saved.body
    assert "велосипед жолы" in saved.body
    assert 'href="https://turanews.kz/"' in saved.body, saved.body
    assert "<img" in saved.body, saved.body

    for path in [
        "/kk/",
        category.get_absolute_url(),
        story.get_absolute_url(),
        story.get_absolute_url(),  # now from the page cache
    ]:
        open_ok(page, live_server.url + path)
    with translation.override("kk"):
        open_ok(page, f"{live_server.url}{reverse('articles:search')}?q=зауыт")
    assert "зауыт" in page.content().lower()
    page.screenshot(path=artifacts_dir / "csp-site-search.png", full_page=True)
    assert not found, "\n".join(found)


def test_two_factor_set_up_and_sign_in_in_kazakh_without_a_violation(
    watched, live_server, artifacts_dir
):
    from base64 import b32decode

    from django.contrib.auth.models import Group

    from accounts import two_factor
    from articles.workflow import roles

    from .factories import PASSWORD, make_user

    page, found = watched
    chief = make_user(username="gulnar")  # no authenticator yet
    chief.is_staff = True
    chief.save()
    chief.groups.add(Group.objects.get(name=roles.CHIEF_EDITOR))

    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator(".password-reset-link a").inner_text() == (
        "Кіру деректерін ұмыттыңыз ба?"
    )
    page.fill("#id_username", "gulnar")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/**")
    assert page.locator(".two-factor-qr svg").count() == 1
    page.screenshot(path=artifacts_dir / "admin-two-factor-setup.png", full_page=True)
    # What a person types into an app when the camera will not scan.
    page.click(".two-factor-setup details summary")
    readable = page.locator(".two-factor-key").inner_text()
    key = b32decode(readable.replace(" ", "")).hex()
    page.fill("#id_code", two_factor.current_code(key))
    page.click("input[type=submit].default")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Екі факторлы кіру қосылды" in page.locator(".messagelist").inner_text()

    page.click("#logout-form button")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "gulnar")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/login/code/")
    page.fill("#id_code", "000000")
    page.click("input[type=submit]")
    assert "Код дұрыс емес" in page.locator(".errornote").inner_text()
    page.screenshot(path=artifacts_dir / "admin-two-factor-code.png", full_page=True)
    assert not found, "\n".join(found)
