"""The embedded cache's read counts: gathered in each process, shared in one write."""

import diskcache
import pytest

from articles.core.cache_backends import FailOpenDiskCache
from articles.public import reads


def process_store(directory):
    """A read store as one process of the machine opens it."""
    return reads.DiskStore(FailOpenDiskCache(str(directory), {}))


def test_a_second_of_long_tail_reads_from_two_processes_is_all_counted(tmp_path):
    first, second = process_store(tmp_path), process_store(tmp_path)
    for story_id in range(1, 501):
        first.gathered[story_id] += 1
        second.gathered[story_id] += story_id % 3
    pushed = first.push()
    assert len(pushed) == 500
    assert {story_id: count for story_id, count, _ in pushed}[7] == 1
    second.push()
    assert sorted(first.pending()) == list(range(1, 501))
    assert first.take(7) == 1 + 7 % 3
    assert second.take(7) == 0  # taken once, by whichever process came first
    assert 7 not in second.pending()
    assert sum(second.take(story_id) for story_id in second.pending()) == sum(
        1 + n % 3 for n in range(1, 501) if n != 7
    )
    assert first.pending() == []


def test_a_batch_keeps_the_time_it_began_until_it_is_written(tmp_path, monkeypatch):
    store = process_store(tmp_path)
    monkeypatch.setattr(reads.time, "time", lambda: 1000.0)
    assert store.count(42, 1000.0) == (1, 1000.0)
    store.gathered[42] += 2
    monkeypatch.setattr(reads.time, "time", lambda: 1200.0)
    assert store.push() == [(42, 3, 1000.0)]
    assert store.take(42) == 3
    assert store.count(42, 1300.0) == (1, 1300.0)


def test_reads_a_locked_cache_refused_are_kept_for_the_next_push(tmp_path, monkeypatch):
    store = process_store(tmp_path)
    store.gathered.update({1: 2, 2: 5})
    locked = diskcache.Timeout("database is locked")

    def refuse():
        raise locked

    monkeypatch.setattr(store.index, "transact", refuse)
    with pytest.raises(diskcache.Timeout):
        store.push()
    monkeypatch.undo()
    assert sorted(store.push()) == [
        (1, 2, pytest.approx(reads.time.time(), abs=5)),
        (2, 5, pytest.approx(reads.time.time(), abs=5)),
    ]
    assert store.take(1) + store.take(2) == 7


def test_clearing_the_embedded_cache_clears_its_read_counts_too(tmp_path):
    backend = FailOpenDiskCache(str(tmp_path), {})
    store = reads.DiskStore(backend)
    store.gathered[5] += 4
    store.push()
    backend.set("page", "kept")
    backend.clear()
    assert backend.get("page") is None
    assert store.pending() == []
    assert store.take(5) == 0
