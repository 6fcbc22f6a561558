import codecs
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.admin.imports import MESSAGE_COUNTS
from articles.ingest.catalog import Catalog, importer_user
from articles.ingest.items import ERROR_HEADLINE_TOO_LONG, MAX_HEADLINE_CHARS
from articles.ingest.language import detect_language
from articles.ingest.pipeline import (
    REASON_EDITED_HERE,
    REASON_EDITED_SINCE_IMPORT,
    story_import,
)
from articles.ingest.textfile import (
    ERROR_BINARY,
    ERROR_EMPTY_FILE,
    ERROR_TOO_SHORT,
    read_story_bytes,
)
from articles.models import Category, ImportedItem, Source, Status, Story, StoryEvent
from articles.workflow import services
from tests.factories import make_category, make_chief, make_editor, make_journalist
from tests.test_feeds_ingest import counts, tally

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "turanews-economy-kk.txt"


def sample_parts():
    """Return (category, headline, paragraphs, source) as the sample file has them."""
    blocks = [b.strip() for b in SAMPLE.read_text("utf-8").split("\n\n") if b.strip()]
    assert blocks[-1] == "Back to top button"
    return blocks[0], blocks[1], blocks[2:-2], blocks[-2]


def run(*args):
    out = io.StringIO()
    call_command("import_stories", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


class PageText(HTMLParser):
    """Collect the headline and the body paragraphs of a story page."""

    def __init__(self):
        super().__init__()
        self.h1, self.paragraphs, self.text = [], [], []
        self._stack, self._body_depth, self._current = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "hr", "meta", "link", "input", "source"):
            if tag == "br" and self._current is not None:
                self._current.append("\n")
            return
        self._stack.append(tag)
        classes = (dict(attrs).get("class") or "").split()
        if self._body_depth is None and any("body" in c for c in classes):
            self._body_depth = len(self._stack)
        if tag in ("h1", "p") and (tag == "h1" or self._body_depth is not None):
            self._current = []

    def handle_endtag(self, tag):
        if not self._stack:
            return
        if tag in ("h1", "p") and self._current is not None:
            text = "".join(self._current).strip()
            (self.h1 if tag == "h1" else self.paragraphs).append(text)
            self._current = None
        if self._body_depth is not None and len(self._stack) == self._body_depth:
            self._body_depth = None
        self._stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._current is not None:
            self._current.append(data)


def test_sample_story_imports_into_the_review_queue():
    economy = make_category("Экономика", slug="economy")
    out = run(SAMPLE)
    story = Story.objects.get()
    category, headline, paragraphs, source = sample_parts()
    assert story.status == Status.IN_REVIEW
    assert story.category == economy
    assert Category.objects.count() == 1
    assert story.source.name == source == "TuraNews"
    assert story.headline == headline
    assert story.language == "kk"
    assert story.body_text == " ".join(paragraphs)
    assert "Back to top button" not in story.body
    assert story.created_by.username == "importer"
    assert list(story.events.values_list("action", "to_status")) == [
        ("submit", Status.IN_REVIEW)
    ]
    assert counts(out) == tally(created=1)


def test_published_sample_page_reads_exactly_like_the_original(client):
    make_category("Экономика", slug="economy")
    run(SAMPLE, "--publish")
    story = Story.objects.get()
    assert story.status == Status.PUBLISHED
    assert story.is_public
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    page = PageText()
    page.feed(response.content.decode())
    _category, headline, paragraphs, source = sample_parts()
    assert page.h1 == [headline]
    assert page.paragraphs == paragraphs
    text = "".join(page.text)
    assert source in text
    assert "Back to top button" not in text
    # The typos of the original are kept, not "fixed".
    assert "кәіспорындарын" in story.headline
    assert "делегециясы" in story.body


def test_reimport_creates_nothing_twice():
    make_category("Экономика", slug="economy")
    run(SAMPLE)
    before = (Story.objects.count(), Category.objects.count(), Source.objects.count())
    out = run(SAMPLE, FIXTURES)  # the file itself and its folder: same story twice
    after = (Story.objects.count(), Category.objects.count(), Source.objects.count())
    assert after == before == (1, 1, 1)
    assert StoryEvent.objects.count() == 1
    assert counts(out) == tally(skipped=2)


def test_category_is_matched_by_name_in_any_language(tmp_path):
    economy = make_category("Экономика", name_ru="Экономика", name_en="Economy")
    sport = make_category("Спорт", name_ru="Спорт", name_en="Sport")
    (tmp_path / "a.txt").write_text(
        "economy\n\nWheat prices rise\n\nPrices rose again.\n", "utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "СПОРТ\n\nСборная вышла в финал\n\nМатч завершился со счётом 2:1.\n", "utf-8"
    )
    run(tmp_path)
    assert Story.objects.get(language="en").category == economy
    russian = Story.objects.get(language="ru")
    assert russian.category == sport
    assert russian.source is None
    assert Category.objects.count() == 2


def test_new_category_and_source_are_created_once(tmp_path):
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(
            f"Мәдениет\n\nТүркістанда жаңа театр ашылды {n}\n\nҚойылым қазан айында "
            f"басталады.\n\nKazinform\n",
            "utf-8",
        )
    run(tmp_path)
    assert Story.objects.count() == 3
    assert Category.objects.get().name == "Мәдениет"
    assert Source.objects.get().name == "Kazinform"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Түркістан облысының делегациясы Қытайға барды", "kk"),
        ("Делегация Туркестанской области посетила Китай", "ru"),
        ("Делегация посетила Қазығұрт и провела переговоры с инвесторами", "ru"),
        ("The delegation visited China to meet investors", "en"),
        ("12345 — 678", "kk"),
    ],
)
def test_language_detection(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: s.encode("utf-16"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.encode("kz1048"),
    ],
    ids=["utf8-bom", "utf16", "crlf", "kz1048"],
)
def test_odd_encodings_read_the_same(encode):
    text = "Қоғам\n\nАлматыда қар жауды\n\nҚала көшелері ақ түске боялды.\n\nTuraNews\n"
    item = read_story_bytes(encode(text), where="x.txt")
    assert item.category_name == "Қоғам"
    assert item.headline == "Алматыда қар жауды"
    assert item.body == "<p>Қала көшелері ақ түске боялды.</p>"
    assert item.source_name == "TuraNews"
    assert item.language == "kk"


def test_windows_1251_russian_file():
    text = "Общество\n\nВ Алматы выпал снег\n\nУлицы города стали белыми.\n"
    item = read_story_bytes(text.encode("cp1251"), where="x.txt")
    assert (item.headline, item.language) == ("В Алматы выпал снег", "ru")


def test_bad_files_are_reported_and_the_rest_goes_on(tmp_path):
    (tmp_path / "1-empty.txt").write_bytes(b"")
    (tmp_path / "2-binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "3-short.txt").write_text("Тек бір жол\n", "utf-8")
    (tmp_path / "4-long.txt").write_text(
        "Жаңа санат\n\n" + "ұ" * 400 + "\n\nМәтін.\n", "utf-8"
    )
    (tmp_path / "5-good.txt").write_text(
        "Қоғам\n\nАлматыда қар жауды\n\nҚала көшелері ақ түске боялды.\n", "utf-8"
    )
    out = run(tmp_path)
    assert Story.objects.count() == 1
    assert not Category.objects.filter(name="Жаңа санат").exists()
    assert f"1-empty.txt: {ERROR_EMPTY_FILE}" in out
    assert f"2-binary.txt: {ERROR_BINARY}" in out
    assert f"3-short.txt: {ERROR_TOO_SHORT}" in out
    assert (
        "4-long.txt: "
        + ERROR_HEADLINE_TOO_LONG % {"length": 400, "limit": MAX_HEADLINE_CHARS}
        in out
    )


def test_changed_file_updates_an_untouched_story_but_not_an_edited_one(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nБірінші нұсқа.\n", "utf-8")
    run(path)
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nЕкінші нұсқа.\n", "utf-8")
    run(path)
    story = Story.objects.get()
    assert story.body == "<p>Екінші нұсқа.</p>"
    story.dek = "Редактор қосты"
    story.save()
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nҮшінші нұсқа.\n", "utf-8")
    out = run(path)
    story.refresh_from_db()
    assert story.body == "<p>Екінші нұсқа.</p>"
    assert Story.objects.count() == 1
    item = read_story_bytes(path.read_bytes(), where="story.txt")
    result = story_import(item=item, user=importer_user(), catalog=Catalog())
    assert result.reason == str(REASON_EDITED_HERE)
    assert counts(out) == tally(skipped=1)


def test_fresh_files_with_publish_count_as_published():
    make_category("Экономика", slug="economy")
    out = run(SAMPLE, "--publish")
    assert Story.objects.get().is_public
    assert counts(out) == tally(published=1)


def test_reimport_with_publish_publishes_an_untouched_story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nБірінші нұсқа.\n", "utf-8")
    run(path)
    story = Story.objects.get()
    assert story.status == Status.IN_REVIEW
    out = run(path, "--publish")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.is_public
    assert list(story.events.order_by("pk").values_list("action", flat=True)) == [
        "submit",
        "publish",
    ]
    assert counts(out) == tally(published=1)
    # Published now: a further run has nothing left to do.
    out = run(path, "--publish")
    assert counts(out) == tally(skipped=1)
    assert story.events.count() == 2


def test_reimport_with_publish_takes_the_changed_text_of_an_untouched_story(tmp_path):
    path = tmp_path / "история.txt"
    path.write_text("Общество\n\nВ Алматы выпал снег\n\nПервая версия.\n", "utf-8")
    run(path)
    path.write_text("Общество\n\nВ Алматы выпал снег\n\nВторая версия.\n", "utf-8")
    out = run(path, "--publish")
    story = Story.objects.get()
    assert story.status == Status.PUBLISHED
    assert story.body == "<p>Вторая версия.</p>"
    assert counts(out) == tally(published=1)


def test_reimport_with_publish_leaves_a_story_the_newsroom_edited(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nБірінші нұсқа.\n", "utf-8")
    run(path)
    story = Story.objects.get()
    story.dek = "Редактор қосты"
    story.save()
    out = run(path, "--publish")
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    assert story.events.count() == 1
    assert counts(out) == tally(skipped=1)
    assert f"story.txt: {REASON_EDITED_SINCE_IMPORT}" in out


def test_reimport_with_publish_leaves_a_story_an_editor_sent_back(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Қоғам\n\nАлматыда қар жауды\n\nБірінші нұсқа.\n", "utf-8")
    run(path)
    story = Story.objects.get()
    services.story_transition(
        story_id=story.pk, user=make_editor(), action="request_changes", note="Дерек?"
    )
    out = run(path, "--publish")
    story.refresh_from_db()
    assert story.status == Status.CHANGES_REQUESTED
    assert counts(out) == tally(skipped=1)
    assert str(REASON_EDITED_SINCE_IMPORT) in out


def test_reimport_with_publish_needs_the_right_to_publish(tmp_path):
    journalist = make_journalist(username="aigerim")
    run(SAMPLE, "--user", journalist.username)
    story = Story.objects.get()
    out = run(SAMPLE, "--publish", "--user", journalist.username)
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    assert counts(out) == tally(failed=1)


def test_unknown_user_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run(SAMPLE, "--user", "nobody")
    assert not Story.objects.exists()


def test_publish_needs_the_right_to_publish(tmp_path):
    journalist = make_journalist(username="aigerim")
    out = run(SAMPLE, "--publish", "--user", journalist.username)
    assert not Story.objects.exists()
    assert not ImportedItem.objects.exists()
    assert "turanews-economy-kk.txt:" in out


class TestStoryFileUpload:
    url = staticmethod(lambda: reverse("admin:articles_import_stories"))

    @pytest.fixture(autouse=True)
    def _sections(self):
        # Uploads in the admin use the newsroom's existing section and source.
        make_category("Экономика", slug="ekonomika")
        Source.objects.create(name="TuraNews", slug="turanews")

    def upload(self, client, user, *, publish=False, files=None):
        client.force_login(user)
        data = {
            "files": files or [io.BytesIO(SAMPLE.read_bytes())],
        }
        for n, f in enumerate(data["files"]):
            f.name = getattr(f, "name", None) or f"story-{n}.txt"
        if publish:
            data["publish"] = "on"
        return client.post(self.url(), data)

    def test_journalist_uploads_into_review_and_cannot_publish(self, client):
        journalist = make_journalist()
        client.force_login(journalist)
        page = client.get(self.url())
        assert page.status_code == 200
        assert 'name="publish"' not in page.content.decode()
        response = self.upload(client, journalist, publish=True)
        assert response.status_code == 200
        story = Story.objects.get()
        assert story.status == Status.IN_REVIEW
        assert story.created_by == journalist
        assert reverse("admin:articles_story_change", args=[story.pk]) in (
            response.content.decode()
        )

    def test_editor_may_upload_but_not_publish(self, client):
        editor = make_editor()
        client.force_login(editor)
        assert 'name="publish"' not in client.get(self.url()).content.decode()
        self.upload(client, editor, publish=True)
        assert Story.objects.get().status == Status.IN_REVIEW

    def test_chief_editor_may_publish(self, client):
        chief = make_chief()
        client.force_login(chief)
        assert 'name="publish"' in client.get(self.url()).content.decode()
        self.upload(client, chief, publish=True)
        story = Story.objects.get()
        assert story.status == Status.PUBLISHED
        assert story.events.filter(action="publish", actor=chief).exists()

    def test_chief_editor_publishes_what_waits_untouched_in_review(self, client):
        journalist = make_journalist()
        self.upload(client, journalist)
        story = Story.objects.get()
        assert story.status == Status.IN_REVIEW
        chief = make_chief()
        response = self.upload(client, chief, publish=True)
        story.refresh_from_db()
        assert story.status == Status.PUBLISHED
        assert story.events.filter(action="publish", actor=chief).exists()
        page = response.content.decode()
        assert "<td>0</td><td>0</td><td>1</td><td>0</td><td>0</td>" in page
        assert 'class="import-published"' in page
        message = str(MESSAGE_COUNTS % dict(tally(published=1)))
        assert message in [str(m) for m in response.context["messages"]]

    def test_chief_editor_leaves_what_the_desk_has_edited(self, client):
        self.upload(client, make_journalist())
        story = Story.objects.get()
        story.dek = "Редактор қосты"
        story.save()
        response = self.upload(client, make_chief(), publish=True)
        story.refresh_from_db()
        assert story.status == Status.IN_REVIEW
        page = response.content.decode()
        assert "<td>0</td><td>0</td><td>0</td><td>1</td><td>0</td>" in page
        assert str(REASON_EDITED_SINCE_IMPORT) in page

    def test_bad_upload_is_reported(self, client):
        journalist = make_journalist()
        bad = io.BytesIO(b"\x00\x01")
        bad.name = "broken.txt"
        response = self.upload(client, journalist, files=[bad])
        assert not Story.objects.exists()
        assert "broken.txt" in response.content.decode()
        assert str(ERROR_BINARY) in response.content.decode()

    def test_outsiders_are_kept_out(self, client):
        response = client.get(self.url())
        assert response.status_code == 302
        from tests.factories import make_user

        client.force_login(make_user(None))
        assert client.get(self.url()).status_code == 302


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    run(SAMPLE)
    assert capsys.readouterr().err == ""
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run(SAMPLE)
    assert "1/1" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    quiet = FakeTerminal()
    monkeypatch.setattr("sys.stderr", quiet)
    run(SAMPLE)
    assert quiet.getvalue() == ""
