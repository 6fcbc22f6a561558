"""
Full-text search of stories, one engine for the reader search page and the admin.

Text is folded before it is indexed and before it is searched: case, ё→е, Kazakh
letters to their Russian look-alikes (a reader on a Russian keyboard types "Туркистан"
for "Түркістан"), Latin accents dropped. Query words lose a known Kazakh, Russian or
English ending and match as prefixes, so "облыс", "облысы" and "облысының" find each
other. PostgreSQL keeps a stored tsvector per story (``simple`` config on folded text,
plus ``russian`` stems for Russian stories) behind a GIN index, and a trigram index on
folded headlines for misspelt queries; SQLite keeps an FTS5 table (unicode61).

The index is written from Python, never by a database trigger: the services that
change a story call ``index_stories`` (new text) or ``refresh_filters`` (status,
publication time, section); ``articles.search.signals`` covers only the writes
Django makes itself (deletes, many-to-many links, catalogue renames). Views never
touch it. Long runs of saves can be wrapped in ``bulk_indexing()``.

Results: all words must match; failing that, any word; failing that, words spelt
alike. Relevance (then recency) orders the newest RANK_WINDOW matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps.registry import Apps
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from articles.models import (
    Language,
    Story,
)
from articles.search.analysis import index_text

INDEX_TABLE = "articles_story_search"


MAX_BODY_CHARS = 100_000


# Copied into the PostgreSQL index so that a search reads one table; the story row
# stays the authority on what a reader may see.
FILTER_COLUMNS = ("status", "published_at", "category_id", "source_id")


@dataclass
class Document:
    story_id: int
    language: str
    headline: str
    dek: str
    body: str
    meta: str
    status: str = ""
    published_at: datetime | None = None
    category_id: int | None = None
    source_id: int | None = None


def _is_postgres(conn: BaseDatabaseWrapper | None = None) -> bool:
    return (conn or connection).vendor == "postgresql"


def _documents(
    story_ids: Sequence[int] | None, apps: Apps | None = None
) -> Iterator[Document]:
    """Yield index documents for the given stories (all when None), in chunks."""
    # In a migration, the historical model; otherwise today's.
    story_model: Any = (apps.get_model if apps else _current_model)("articles", "Story")
    tag_through = story_model.tags.through
    author_through = story_model.authors.through
    stories = story_model._default_manager.order_by("pk")
    if story_ids is not None:
        stories = stories.filter(pk__in=list(story_ids))
    last = 0
    while True:
        chunk = list(
            stories.filter(pk__gt=last).values(
                "pk",
                "language",
                "headline",
                "dek",
                "body_text",
                "source__name",
                *FILTER_COLUMNS,
            )[:2000]
        )
        if not chunk:
            return
        ids = [row["pk"] for row in chunk]
        names: dict[int, list[str]] = {pk: [] for pk in ids}
        for through, name in (
            (tag_through, "tag__name"),
            (author_through, "author__name"),
        ):
            for story_id, value in through.objects.filter(story_id__in=ids).values_list(
                "story_id", name
            ):
                names[story_id].append(value)
        for row in chunk:
            yield Document(
                story_id=row["pk"],
                language=row["language"],
                headline=index_text(row["headline"]),
                dek=index_text(row["dek"]),
                body=index_text(row["body_text"][:MAX_BODY_CHARS]),
                meta=index_text(
                    " ".join([*names[row["pk"]], row["source__name"] or ""])
                ),
                **{column: row[column] for column in FILTER_COLUMNS},
            )
        last = ids[-1]


def _current_model(app_label: str, name: str) -> type[Story]:
    return {"Story": Story}[name]


def _pg_part(weight: str, *, russian: bool) -> str:
    vector = "to_tsvector('simple', %s)"
    if russian:
        # Russian stories also carry snowball stems, so "выборы" finds "выборов".
        vector += " || to_tsvector('russian', %s)"
    return f"setweight({vector}, '{weight}')"


def _pg_row(doc: Document) -> tuple[str, list[Any]]:
    """Return a VALUES row: the small ranking vector (headline, summary, names)
    and the full vector with the body, which only the GIN index reads."""
    russian = doc.language == Language.RUSSIAN
    copies = 2 if russian else 1
    rank_parts = [("A", doc.headline), ("B", doc.dek), ("C", doc.meta)]
    rank_sql = " || ".join(_pg_part(w, russian=russian) for w, _ in rank_parts)
    rank_params = [text for _, text in rank_parts for _ in range(copies)]
    body_sql = _pg_part("D", russian=russian)
    body_params = [doc.body] * copies
    filters = [getattr(doc, column) for column in FILTER_COLUMNS]
    sql = f"(%s, %s, %s, %s, %s, %s, %s, {rank_sql}, {rank_sql} || {body_sql})"
    return sql, [
        doc.story_id,
        doc.headline,
        doc.language,
        *filters,
        *rank_params,
        *rank_params,
        *body_params,
    ]


def _write(
    docs: list[Document], conn: BaseDatabaseWrapper, *, replace: bool = True
) -> None:
    if not docs:
        return
    with conn.cursor() as cursor:
        if _is_postgres(conn):
            rows = [_pg_row(doc) for doc in docs]
            sql = (
                f"INSERT INTO {INDEX_TABLE} (story_id, headline, language, "
                f"{', '.join(FILTER_COLUMNS)}, rank_vector, vector) VALUES "
                + ", ".join(r[0] for r in rows)
            )
            if replace:
                sql += (
                    " ON CONFLICT (story_id) DO UPDATE SET "
                    "headline = EXCLUDED.headline, vector = EXCLUDED.vector, "
                    "rank_vector = EXCLUDED.rank_vector, language = EXCLUDED.language, "
                    + ", ".join(f"{c} = EXCLUDED.{c}" for c in FILTER_COLUMNS)
                )
            cursor.execute(sql, [p for r in rows for p in r[1]])
        else:
            if replace:
                cursor.executemany(
                    f"DELETE FROM {INDEX_TABLE} WHERE rowid = %s",
                    [(doc.story_id,) for doc in docs],
                )
            cursor.executemany(
                f"INSERT INTO {INDEX_TABLE} (rowid, headline, dek, body, meta) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(d.story_id, d.headline, d.dek, d.body, d.meta) for d in docs],
            )


@contextmanager
def bulk_indexing() -> Iterator[None]:
    """Collect the index writes of a long run of saves (an import) and make them in
    batches at the end. Until then the new stories are not yet searchable."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
    finally:
        pending = _deferred.get() or set()
        _deferred.reset(token)
        index_stories(pending)


def index_stories(story_ids: Iterable[int]) -> None:
    """Write the index entries of these stories from what is stored now."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(story_ids)
        return
    ids = sorted(set(story_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        docs = list(_documents(chunk))
        _write(docs, connection)
        missing = set(chunk) - {d.story_id for d in docs}
        if missing:
            unindex_stories(missing)


def unindex_stories(story_ids: Iterable[int]) -> None:
    """Remove these stories from the index."""
    key = "story_id" if _is_postgres() else "rowid"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {INDEX_TABLE} WHERE {key} = %s", [(pk,) for pk in story_ids]
        )


def _pg_has_filter_columns(conn: BaseDatabaseWrapper) -> bool:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [INDEX_TABLE, FILTER_COLUMNS[-1]],
        )
        return cursor.fetchone() is not None


def rebuild_index(
    *,
    conn: BaseDatabaseWrapper | None = None,
    apps: Apps | None = None,
    batch: int = 1000,
) -> int:
    """Index every story from scratch; return how many were indexed."""
    conn = conn or connection
    if apps is not None and _is_postgres(conn) and not _pg_has_filter_columns(conn):
        return 0  # an early migration: a later one fills the index
    with conn.cursor() as cursor:
        # TRUNCATE gives PostgreSQL a compact table again; SQLite has no such thing.
        verb = "TRUNCATE" if _is_postgres(conn) else "DELETE FROM"
        cursor.execute(f"{verb} {INDEX_TABLE}")
    count, docs = 0, []
    for doc in _documents(None, apps=apps):
        docs.append(doc)
        if len(docs) >= batch:
            _write(docs, conn, replace=False)
            count += len(docs)
            docs = []
    _write(docs, conn, replace=False)
    count += len(docs)
    if not _is_postgres(conn):
        with conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}) VALUES ('optimize')"
            )
    else:
        with conn.cursor() as cursor:
            cursor.execute(f"ANALYZE {INDEX_TABLE}")
    return count


def refresh_filters(stories: Iterable[Story]) -> None:
    """Copy status, time and category of these stories into the index."""
    if not _is_postgres():
        return  # SQLite reads them from the story table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {INDEX_TABLE} SET "
            + ", ".join(f"{c} = %s" for c in FILTER_COLUMNS)
            + " WHERE story_id = %s",
            [
                [*(getattr(story, c) for c in FILTER_COLUMNS), story.pk]
                for story in stories
            ],
        )


_deferred: ContextVar[set[int] | None] = ContextVar("search_deferred", default=None)
