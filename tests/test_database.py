"""The PostgreSQL connection's health checks: spaced on a busy worker, never skipped
after a pause."""

import pytest
from django.db import connections

from newsroom.postgresql import base

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
