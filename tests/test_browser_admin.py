"""A journalist writes a formatted Kazakh story with a picture in the real admin."""

import pytest

from articles.models import Image, Story

from .browser import login
from .factories import image_bytes, make_category, make_journalist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journalist_writes_kazakh_story_with_picture(
    page, live_server, artifacts_dir, tmp_path
):
    make_journalist(username="aigerim")
    category = make_category("Экономика", slug="ekonomika")
    picture = tmp_path / "түркістан.jpg"
    picture.write_bytes(image_bytes(size=(800, 450), color=(30, 90, 160)))

    login(page, live_server, "aigerim")
    page.goto(f"{live_server.url}/admin/articles/story/add/")
    page.fill("#id_headline", "Түркістан облысында жаңа зауыт ашылды")
    page.fill("#id_dek", "Өңірде 300 жұмыс орны ашылады.")
    editor = page.locator(".ck-editor__editable").first
    editor.click()
    page.keyboard.type("Зауыт ")
    page.keyboard.press("Control+B")
    page.keyboard.type("қыркүйекте")
    page.keyboard.press("Control+B")
    page.keyboard.type(" іске қосылды, деп хабарлайды TuraNews.kz.")
    page.keyboard.press("Enter")
    with page.expect_response(lambda r: "/editor/images/upload/" in r.url) as upload:
        page.locator(".ck-file-dialog-button input[type=file]").first.set_input_files(
            str(picture)
        )
    assert upload.value.status == 200
    page.wait_for_selector(".ck-editor__editable img")
    page.select_option("#id_category", str(category.pk))
    page.screenshot(path=artifacts_dir / "admin-journalist-writes.png", full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=artifacts_dir / "admin-journalist-saved.png", full_page=True)

    story = Story.objects.get()
    assert story.headline == "Түркістан облысында жаңа зауыт ашылды"
    assert story.slug == "turkistan-oblysynda-zhanga-zauyt-ashyldy"
    assert "<strong>қыркүйекте</strong>" in story.body
    image = Image.objects.get()
    assert image.file.url in story.body
    assert story.created_by.username == "aigerim"
