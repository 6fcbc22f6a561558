"""Searching the index: a plan per database backend, relevance first, then recency."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from articles.models import (
    Status,
    Story,
    day_start,
)
from articles.search.analysis import MIN_STEM, ParsedQuery
from articles.search.index import INDEX_TABLE, _is_postgres

SNIPPET_CHARS = 240


# Relevance orders the newest RANK_WINDOW matches, older ones follow by date: a word
# found in half the archive still answers fast, with recent stories first.
RANK_WINDOW = 2_000


PAGE_SIZE = 20


# Column weights: headline, summary, body, tags and names.
BM25_WEIGHTS = "10.0, 4.0, 1.0, 3.0"


@dataclass(frozen=True)
class Filters:
    category_ids: tuple[int, ...] = ()
    source_id: int | None = None
    language: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _filter_sql(
    filters: Filters, *, public: bool, now: datetime, alias: str = "s"
) -> tuple[str, list]:
    where, params = [], []
    if public:
        where += [f"{alias}.status = %s", f"{alias}.published_at <= %s"]
        params += [Status.PUBLISHED, now]
    if filters.category_ids:
        where.append(
            f"{alias}.category_id IN ({', '.join(['%s'] * len(filters.category_ids))})"
        )
        params += list(filters.category_ids)
    if filters.source_id:
        where.append(f"{alias}.source_id = %s")
        params.append(filters.source_id)
    if filters.language:
        where.append(f"{alias}.language = %s")
        params.append(filters.language)
    if filters.date_from:
        where.append(f"{alias}.published_at >= %s")
        params.append(day_start(filters.date_from))
    if filters.date_to:
        where.append(f"{alias}.published_at < %s")
        params.append(day_start(filters.date_to + timedelta(days=1)))
    return "".join(f" AND {w}" for w in where), params


def _pg_query_sql(query: ParsedQuery, *, any_term: bool) -> tuple[str, list]:
    """Return SQL for the tsquery: folded prefixes, or'ed with Russian stems."""
    parts, params = [], []
    for term in query.terms:
        group = []
        for word, word_stem in term.forms:
            group.append("to_tsquery('simple', %s) || plainto_tsquery('russian', %s)")
            params += [f"'{word}' | '{word_stem}':*", word]
        parts.append("(" + " || ".join(group) + ")")
    return (" || " if any_term else " && ").join(parts), params


@dataclass
class _Plan:
    sql_from: str
    sql_where: str
    sql_rank: str  # ORDER BY over the candidates "c" (columns id, published_at, r)
    params: list
    sql_score: str = "NULL"  # what the candidates carry as "r" for sql_rank
    id_col: str = "s.id"
    date_col: str = "s.published_at"
    rank_params: list = field(default_factory=list)


def _plan(
    query: ParsedQuery, filters: Filters, *, public: bool, any_term: bool
) -> _Plan:
    now = timezone.now()
    if _is_postgres():
        # The tsquery is written out in place so the planner folds it to a constant
        # and can use the GIN index.
        where, where_params = _filter_sql(filters, public=public, now=now, alias="x")
        tsquery, tsparams = _pg_query_sql(query, any_term=any_term)
        return _Plan(
            sql_from=f"{INDEX_TABLE} x",
            sql_where=f"x.vector @@ ({tsquery})" + where,
            sql_score="x.rank_vector",
            sql_rank=f"ts_rank(c.r, ({tsquery}), 1) DESC",
            params=[*tsparams, *where_params],
            rank_params=tsparams,
            id_col="x.story_id",
            date_col="x.published_at",
        )
    where, where_params = _filter_sql(filters, public=public, now=now)
    return _sqlite_plan(query.fts5(any_term=any_term), where, where_params)


def _sqlite_plan(match: str, where: str, where_params: list) -> _Plan:
    story = Story._meta.db_table
    return _Plan(
        # CROSS JOIN keeps SQLite from probing the FTS table once per story row.
        sql_from=f"{INDEX_TABLE} CROSS JOIN {story} s ON s.id = {INDEX_TABLE}.rowid",
        sql_where=f"{INDEX_TABLE} MATCH %s" + where,
        sql_score=f"bm25({INDEX_TABLE}, {BM25_WEIGHTS})",
        sql_rank="c.r",
        params=[match, *where_params],
    )


SIMILARITY = 0.5  # pg_trgm's word_similarity threshold is set to the same


MAX_SIMILAR = 3


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(word: str, other: str) -> float:
    """Return shared trigrams over all trigrams of both words, as pg_trgm counts."""
    mine, theirs = _trigrams(word), _trigrams(other)
    shared = len(mine & theirs)
    return shared / (len(mine) + len(theirs) - shared)


def _similar_terms(word: str) -> list[str]:
    """Return indexed words spelt like word (SQLite: from the FTS5 vocabulary)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary "
            f"USING fts5vocab(main, {INDEX_TABLE}, row)"
        )
        # Misspellings rarely touch the first two letters; that keeps this a range.
        start = word[:2]
        cursor.execute(
            "SELECT term, doc FROM temp.search_vocabulary "
            "WHERE term >= %s AND term < %s",
            [start, start[:-1] + chr(ord(start[-1]) + 1)],
        )
        scored = [
            (similarity(word, term), doc, term)
            for term, doc in cursor.fetchall()
            if abs(len(term) - len(word)) <= 3
        ]
    scored = sorted((s for s in scored if s[0] >= SIMILARITY), reverse=True)
    return [term for _score, _doc, term in scored[:MAX_SIMILAR]]


def _fuzzy_plan(query: ParsedQuery, filters: Filters, *, public: bool) -> _Plan | None:
    """Match misspelt words: by trigram against folded headlines on PostgreSQL,
    through the FTS5 vocabulary on SQLite."""
    words = [t.word for t in query.terms if len(t.word) >= MIN_STEM]
    if not words:
        return None
    if not _is_postgres():
        where, where_params = _filter_sql(filters, public=public, now=timezone.now())
        groups = []
        for word in words:
            similar = _similar_terms(word)
            if not similar:
                return None
            groups.append("(" + " OR ".join(f'"{term}"' for term in similar) + ")")
        return _sqlite_plan(" AND ".join(groups), where, where_params)
    where, where_params = _filter_sql(
        filters, public=public, now=timezone.now(), alias="x"
    )
    cond = " AND ".join(["%s <%% x.headline"] * len(words))
    score = " + ".join(["word_similarity(%s, c.r)"] * len(words))
    return _Plan(
        sql_from=f"{INDEX_TABLE} x",
        id_col="x.story_id",
        date_col="x.published_at",
        sql_where=cond + where,
        sql_score="x.headline",
        sql_rank=f"({score}) DESC",
        params=[*words, *where_params],
        rank_params=words,
    )


@contextmanager
def _planner_settings():
    """Steer PostgreSQL to the GIN index: its cost model ignores the price of
    reading TOASTed vectors, so it would scan the whole table instead."""
    if not _is_postgres():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(SIMILARITY)],
        )
        yield
