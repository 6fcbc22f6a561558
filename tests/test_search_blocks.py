"""Search finds a word in every block of a story written in the editor.

CKEditor 5 writes its blocks one after another with no newline in between; the text
that is indexed and shown in snippets must still keep their words apart.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import translation

from articles.core.text import html_to_text
from articles.models import Status, Story
from articles.search import index as search_index
from articles.search import results as search_results
from tests.factories import make_story

pytestmark = pytest.mark.django_db

# What CKEditor 5's getData() returns for a story with every kind of block: no
# whitespace between blocks, a soft break (Shift+Enter) as <br>.
EDITOR_HTML = (
    "<p>Елордада жаңа жол ашылды.</p>"
    "<h2>Тұран даңғылы жөнделді</h2>"
    "<p>Мәңгілік Ел даңғылы да кеңейді.<br>Сарыарқа ауданы күтуде.</p>"
    "<ul><li>Есіл жағалауы</li><li>Жетісу көшесі</li></ul>"
    "<ol><li>Бірінші кезең</li><li>Екінші кезең</li></ol>"
    '<figure class="table"><table><tbody>'
    "<tr><th>Көше</th><th>Ұзындығы</th></tr>"
    "<tr><td>Қабанбай батыр</td><td>12 шақырым</td></tr>"
    "</tbody></table></figure>"
    '<figure class="image"><img src="/media/images/2025/01/kopir.jpg" alt="Көпір">'
    "<figcaption>Бәйтерек маңындағы көпір</figcaption></figure>"
    "<blockquote><p>Жұмыс жылдам жүрді, деді әкім.</p></blockquote>"
    "<h3>Келесі жоспар</h3><p>Ақмешіт тұрғындары да күтеді.</p>"
)

# One word from each kind of block, each right after the end of another block.
BLOCK_WORDS = {
    "heading": "Тұран",
    "paragraph": "Мәңгілік",
    "line after <br>": "Сарыарқа",
    "list item": "Жетісу",
    "numbered item": "Екінші",
    "table header cell": "Ұзындығы",
    "table cell": "Қабанбай",
    "second cell": "шақырым",
    "figure caption": "Бәйтерек",
    "quotation": "Жұмыс",
    "subheading": "Келесі",
    "paragraph after subheading": "Ақмешіт",
}


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>бір</p><p>екі</p>", "бір екі"),
        ("бір<br>екі", "бір екі"),
        ("<h2>бір</h2><ul><li>екі</li><li>үш</li></ul>", "бір екі үш"),
        ("<table><tr><td>бір</td><td>екі</td></tr></table>", "бір екі"),
        (
            "<figure><img src='a.jpg'><figcaption>бір</figcaption></figure>екі",
            "бір екі",
        ),
        # Inline elements inside a word keep it whole.
        ("<p><strong>Қаз</strong>ақ<em>стан</em></p>", "Қазақстан"),
        ("<p>a &lt;b&gt; &amp; c</p><script>x()</script>", "a <b> & c"),
        ("", ""),
    ],
)
def test_plain_text_keeps_blocks_apart(html, text):
    assert html_to_text(html) == text


def test_every_block_word_of_editor_html_is_in_the_plain_text():
    words = html_to_text(EDITOR_HTML).split()
    for kind, word in BLOCK_WORDS.items():
        assert word in words, kind


@pytest.mark.parametrize(("kind", "word"), BLOCK_WORDS.items())
def test_search_finds_a_word_from_every_block(kind, word):
    make_story("Жол жөндеу", status=Status.PUBLISHED, body=EDITOR_HTML)
    make_story("Басқа жаңалық", status=Status.PUBLISHED, body="<p>Ауа райы.</p>")
    results = search_results.search_stories(word)
    assert [s.headline for s in results[0:5]] == ["Жол жөндеу"], kind


def test_search_page_snippet_keeps_the_words_apart(client):
    make_story("Жол жөндеу", status=Status.PUBLISHED, body=EDITOR_HTML)
    with translation.override("kk"):
        url = reverse("articles:search")
    html = client.get(url, {"q": "Жетісу"}).content.decode()
    assert "<mark>Жетісу</mark> көшесі" in html
    assert "жағалауы <mark>Жетісу</mark>" in html
    assert "жағалауыЖетісу" not in html


def test_the_migration_remakes_old_text_and_the_index():
    """Stories saved before the fix carry run-together text; 0009 mends them."""
    story = make_story("Жол жөндеу", status=Status.PUBLISHED, body=EDITOR_HTML)
    Story.objects.filter(pk=story.pk).update(body_text="ЖолМәңгілікЕлЖетісу")
    search_index.index_stories([story.pk])
    assert search_results.search_stories("Жетісу").count() == 0

    migration = importlib.import_module("articles.migrations.0010_imports")
    migration.remake_plain_text(apps, SimpleNamespace(connection=connection))

    story.refresh_from_db()
    assert story.body_text == html_to_text(EDITOR_HTML)
    for word in BLOCK_WORDS.values():
        assert search_results.search_stories(word).count() == 1, word
