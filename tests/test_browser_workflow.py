"""A journalist writes and submits a Kazakh story; an editor finds it in the review
queue and publishes it; readers see it. All in the real admin, in Chromium."""

import pytest

from articles.models import Status, Story

from .browser import login
from .factories import make_author, make_category, make_editor, make_journalist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Қызылордада күріш өнімі артты"


def workflow_buttons(page):
    return sorted(
        page.locator(".workflow-buttons button").evaluate_all(
            "els => els.map(e => e.value || e.textContent.trim())"
        )
    )


def test_journalist_submits_editor_publishes_reader_reads(
    chromium_browser, live_server, artifacts_dir
):
    journalist = make_journalist(username="gulnar", first_name="Гүлнар")
    make_author("Гүлнар Әбенова", user=journalist)
    make_editor(username="daniyar", first_name="Данияр")
    category = make_category("Аймақтар", slug="aimaqtar")

    # The journalist writes and submits.
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, live_server, "gulnar")
    page.goto(f"{live_server.url}/admin/articles/story/add/")
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_dek", "Биыл өңірде 500 мың тоннадан астам күріш жиналды.")
    body = page.locator(".ck-editor__editable").first
    body.click()
    page.keyboard.type("Шаруалар өнімнің ")
    page.keyboard.press("Control+B")
    page.keyboard.type("жартысын")
    page.keyboard.press("Control+B")
    page.keyboard.type(" экспортқа шығарады: Қазақстан, Өзбекстан, Ресей.")
    page.select_option("#id_category", str(category.pk))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert workflow_buttons(page) == ["submit"]
    assert page.locator("input[name=featured]").count() == 0
    page.screenshot(
        path=artifacts_dir / "workflow-1-journalist-draft.png", full_page=True
    )
    page.click("button.workflow-submit")
    page.wait_for_selector(".messagelist .success")
    story = Story.objects.get()
    assert story.status == Status.IN_REVIEW
    assert "<strong>жартысын</strong>" in story.body
    # Once submitted the journalist can read it but no longer change or move it.
    assert workflow_buttons(page) == []
    assert page.locator("#id_headline").count() == 0
    page.screenshot(
        path=artifacts_dir / "workflow-2-journalist-submitted.png", full_page=True
    )
    context.close()

    # The editor finds it in the queue and publishes it.
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login(page, live_server, "daniyar")
    assert page.locator('.state-count[data-state="in_review"]').inner_text() == "1"
    page.screenshot(path=artifacts_dir / "workflow-3-editor-home.png", full_page=True)
    page.click(".story-queues a[href$='/review/']")
    page.wait_for_selector(".review-queue")
    assert HEADLINE in page.locator(".review-queue table").inner_text()
    assert "Гүлнар Әбенова" in page.locator(".review-queue table").inner_text()
    page.screenshot(path=artifacts_dir / "workflow-4-review-queue.png", full_page=True)
    page.click(f"text={HEADLINE}")
    page.wait_for_selector(".workflow-panel")
    assert workflow_buttons(page) == [
        "approve",
        "publish",
        "request_changes",
        "schedule",
    ]
    page.screenshot(path=artifacts_dir / "workflow-5-editor-review.png", full_page=True)
    page.click("button.workflow-publish")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(
        path=artifacts_dir / "workflow-6-editor-published.png", full_page=True
    )
    story.refresh_from_db()
    assert story.is_public
    context.close()

    # A reader sees it on the public site.
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/kk/")
    page.click(f"text={HEADLINE}")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == HEADLINE
    assert "жартысын" in page.locator("article").first.inner_text()
    page.screenshot(path=artifacts_dir / "workflow-7-reader.png", full_page=True)
    context.close()
    assert list(
        story.events.order_by("created_at").values_list("action", flat=True)
    ) == [
        "submit",
        "publish",
    ]
