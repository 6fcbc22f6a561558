"""A story saved through the real editor is found by a word from each of its blocks."""

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Story
from articles.workflow import services

from .browser import login
from .factories import make_category, make_editor, make_image
from .test_import_cache import _empty_search_index  # noqa: F401 - committed rows
from .test_search_blocks import BLOCK_WORDS, EDITOR_HTML

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_words_of_every_block_written_in_the_editor_are_found(page, live_server):
    editor = make_editor(username="nurlan")
    category = make_category("Қала", slug="qala")
    picture = make_image(alt_text="Көпір")
    login(page, live_server, "nurlan")
    page.goto(f"{live_server.url}/admin/articles/story/add/")
    page.fill("#id_headline", "Елордада жол жөнделді")
    page.wait_for_selector(".ck-editor__editable")
    # The editor takes the blocks in and writes them out itself on save.
    html = EDITOR_HTML.replace("/media/images/2025/01/kopir.jpg", picture.file.url)
    page.locator(".ck-editor__editable").first.evaluate(
        "(el, html) => el.ckeditorInstance.setData(html)", html
    )
    page.select_option("#id_category", str(category.pk))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    story = Story.objects.get()
    assert "</p><h2>" in story.body
    assert "</li><li>" in story.body
    for action in ("submit", "publish"):
        services.story_transition(story_id=story.pk, user=editor, action=action)

    with translation.override("kk"):
        search = f"{live_server.url}{reverse('articles:search')}"
    context = page.context.browser.new_context()  # a reader, not signed in
    reader = context.new_page()
    for kind, word in BLOCK_WORDS.items():
        reader.goto(f"{search}?q={word}")
        titles = reader.locator(".search-result .card-title").all_text_contents()
        assert [t.strip() for t in titles] == ["Елордада жол жөнделді"], kind
    context.close()
