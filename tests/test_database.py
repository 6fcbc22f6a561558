"""The PostgreSQL connection's health checks: spaced on a busy worker, never skipped
after a pause; a story's row kept small (migration 0014)."""

from pathlib import Path

import pytest
from django.db import connections

from articles.models import Status
from newsroom.postgresql import base
from tests.factories import make_story

SAMPLE = Path(__file__).parent / "fixtures" / "turanews-economy-kk.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("the spaced health checks are the PostgreSQL backend's")
    assert isinstance(connection, base.DatabaseWrapper)
    connection.ensure_connection()
    return connection


def checks(connection, monkeypatch) -> list[str]:
    sent = []
    original = connection.is_usable

    def is_usable():
        sent.append("SELECT 1")
        return original()

    monkeypatch.setattr(connection, "is_usable", is_usable)
    return sent


def next_request(connection):
    connection.health_check_done = False  # as close_if_unusable_or_obsolete does


def test_a_connection_checked_a_moment_ago_is_not_checked_again(
    postgresql, monkeypatch
):
    sent = checks(postgresql, monkeypatch)
    now = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: now[0])
    postgresql.checked_at = 999.9
    next_request(postgresql)
    postgresql.close_if_health_check_failed()
    assert sent == []
    # After a pause (a server restart takes longer), it is checked again.
    now[0] += base.RECHECK_AFTER
    next_request(postgresql)
    postgresql.close_if_health_check_failed()
    assert sent == ["SELECT 1"]
    next_request(postgresql)
    postgresql.close_if_health_check_failed()
    assert sent == ["SELECT 1"]


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_replaced_after_a_pause(postgresql, monkeypatch):
    postgresql.checked_at = float("-inf")
    monkeypatch.setattr(postgresql, "is_usable", lambda: False)
    next_request(postgresql)
    postgresql.close_if_health_check_failed()
    assert postgresql.connection is None  # closed: the next query reconnects
    monkeypatch.undo()
    with postgresql.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def toasted(connection, story_id) -> tuple[int, list[int]]:
    """Return the bytes of a story's plain text and the bytes of each of its
    row's values kept out of the row, in the table's TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT octet_length(body_text), reltoastrelid::regclass::text "
            "FROM articles_story, pg_class "
            "WHERE articles_story.id = %s AND relname = 'articles_story'",
            [story_id],
        )
        text_bytes, toast = cursor.fetchone()
        cursor.execute(
            f"SELECT sum(octet_length(chunk_data)) FROM {toast} "  # noqa: S608
            "GROUP BY chunk_id ORDER BY 1"
        )
        return text_bytes, [row[0] for row in cursor.fetchall()]


def test_a_story_page_reads_its_row_alone(postgresql):
    """A story's body stays in its row, compressed; its plain text, which the
    page needs only for a story with no dek, is kept out of it, whole."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in lines if len(line) > 140]
    short = make_story(
        status=Status.PUBLISHED,
        body="".join(f"<p>{line}</p>" for line in paragraphs[:3]),
    )
    text_bytes, values = toasted(postgresql, short.pk)
    assert text_bytes > 1500
    assert values == [text_bytes]  # the plain text, uncompressed; not the body
