"""A lazily counted, lazily sliced list of matching stories."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, overload

from django.db import connection, models
from django.db.models.expressions import RawSQL

from articles.models import (
    Story,
)
from articles.search.analysis import ParsedQuery, parse_query
from articles.search.index import INDEX_TABLE, _is_postgres
from articles.search.query import (
    PAGE_SIZE,
    RANK_WINDOW,
    Filters,
    _fuzzy_plan,
    _Plan,
    _plan,
    _planner_settings,
)
from articles.search.snippets import snippet


@dataclass
class SearchResults:
    """A lazily counted, lazily sliced list of matching stories, best first."""

    query: ParsedQuery
    filters: Filters = field(default_factory=Filters)
    public: bool = True
    mode: str = "all"
    _plan: _Plan | None = None
    _count: int | None = None
    _page_cache: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.query:
            self._plan = _plan(
                self.query, self.filters, public=self.public, any_term=False
            )

    def count(self) -> int:
        if self._count is None:
            self._count = self._first_page()
            if self._count == 0 and self.query and len(self.query.terms) > 1:
                self._plan = _plan(
                    self.query, self.filters, public=self.public, any_term=True
                )
                self.mode = "any"
                self._count = self._first_page()
            if self._count == 0 and self.query:
                fuzzy = _fuzzy_plan(self.query, self.filters, public=self.public)
                if fuzzy is not None:
                    self._plan, self.mode = fuzzy, "similar"
                    self._count = self._first_page()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _first_page(self) -> int:
        """Fetch the first page and, in the same query, count every match."""
        self._page_cache = {}
        if self._plan is None:
            return 0
        rows = self._ranked(0, PAGE_SIZE, with_total=True)
        self._page_cache[(0, PAGE_SIZE)] = [row[0] for row in rows]
        return rows[0][1] if rows else 0

    def _ranked(
        self, offset: int, limit: int, *, with_total: bool = False
    ) -> list[tuple[Any, ...]]:
        plan = self._plan
        assert plan is not None  # callers look first
        total, total_params = "", []
        if with_total and _is_postgres():
            total = ", count(*) OVER () AS total"
        elif with_total:
            # FTS5's bm25() refuses window functions; count in a subquery instead.
            total = (
                f", (SELECT count(*) FROM {plan.sql_from} WHERE {plan.sql_where}) "
                "AS total"
            )
            total_params = plan.params
        with _planner_settings(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id{', c.total' if with_total else ''} FROM ("
                f"SELECT {plan.id_col} AS id, {plan.date_col} AS published_at, "
                f"{plan.sql_score} AS r{total} FROM {plan.sql_from} "
                f"WHERE {plan.sql_where} ORDER BY {plan.date_col} DESC, "
                f"{plan.id_col} DESC LIMIT {RANK_WINDOW}"
                f") c ORDER BY {plan.sql_rank}, c.published_at DESC, c.id DESC "
                "LIMIT %s OFFSET %s",
                [*total_params, *plan.params, *plan.rank_params, limit, offset],
            )
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def ids(self, offset: int, limit: int) -> list[int]:
        """Return story ids best first: the newest RANK_WINDOW matches by relevance
        (then recency), any older matches after them by recency."""
        plan = self._plan
        if plan is None or limit <= 0:
            return []
        first = self._page_cache.get((0, PAGE_SIZE))
        if first is not None and offset + limit <= PAGE_SIZE:
            return first[offset : offset + limit]
        found: list[int] = []
        if offset < RANK_WINDOW:
            found = [row[0] for row in self._ranked(offset, limit)]
        rest = limit - len(found)
        if rest > 0 and offset + len(found) >= RANK_WINDOW:
            with _planner_settings(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {plan.id_col} FROM {plan.sql_from} "
                    f"WHERE {plan.sql_where} ORDER BY {plan.date_col} DESC, "
                    f"{plan.id_col} DESC LIMIT %s OFFSET %s",
                    [*plan.params, rest, max(offset, RANK_WINDOW)],
                )
                found += [row[0] for row in cursor.fetchall()]
        return found

    @overload
    def __getitem__(self, item: int) -> Story: ...

    @overload
    def __getitem__(self, item: slice) -> list[Story]: ...

    def __getitem__(self, item: int | slice) -> Story | list[Story]:
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        total = self.count()  # settles which plan (all, any, similar) answers
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = total
        ids = self.ids(start, stop - start)
        rows = Story.objects.for_lists().defer("body")
        if self.public:
            # The story rows decide visibility, whatever the index says.
            rows = rows.published()
        stories = rows.in_bulk(ids)
        pattern = self.query.highlight_re() if self.query else None
        found = []
        for pk in ids:
            story = stories.get(pk)
            if story is not None:
                story.search_snippet = snippet(story, pattern)  # type: ignore[attr-defined]
                found.append(story)
        return found


def search_stories(
    text: str | None, filters: Filters | None = None, *, public: bool = True
) -> SearchResults:
    """Return the stories matching text, best first; only public ones when public."""
    return SearchResults(
        query=parse_query(text), filters=filters or Filters(), public=public
    )


def search_queryset(
    queryset: models.QuerySet[Story], text: str, *, best_first: bool = True
) -> models.QuerySet[Story]:
    """Narrow stories (any status) to those matching text, annotated with
    search_rank: higher for better matches, ranked as on the reader's page."""
    query = parse_query(text)
    if not query:
        return queryset.none().annotate(search_rank=models.Value(0))
    results = SearchResults(query=query, public=False)
    ranked = results.ids(0, RANK_WINDOW)
    story = connection.ops.quote_name(Story._meta.db_table)
    if _is_postgres():
        # Matches come from one index scan; the list goes along as one array.
        with _planner_settings(), connection.cursor() as cursor:
            plan = results._plan
            assert plan is not None  # a query with words always has one
            cursor.execute(
                f"SELECT x.story_id FROM {INDEX_TABLE} x WHERE {plan.sql_where}",
                plan.params,
            )
            every = [row[0] for row in cursor.fetchall()]
        found = queryset.filter(
            _Matches(
                f"{story}.id = ANY(%s::bigint[])",
                [_pg_array(every)],
                output_field=models.BooleanField(),
            )
        )
        listed = _pg_array(ranked)
        rank = (
            f"CASE WHEN {story}.id = ANY(%s::bigint[]) THEN 1000000000 - "
            f"array_position(%s::bigint[], {story}.id) ELSE 0 END"
        )
    else:
        match = f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH %s"
        found = queryset.filter(pk__in=RawSQL(match, [query.fts5()]))
        listed = json.dumps(ranked)
        rank = (
            f"CASE WHEN {story}.id IN (SELECT value FROM json_each(%s)) THEN "
            f"1000000000 - (SELECT key FROM json_each(%s) WHERE value = {story}.id) "
            "ELSE 0 END"
        )
    # Earlier in the ranked list is better; matches past the window come last.
    found = found.annotate(
        search_rank=RawSQL(rank, [listed, listed], output_field=models.IntegerField())
    )
    if best_first:
        return found.order_by("-search_rank", *queryset.query.order_by)
    return found


class _Matches(RawSQL):
    conditional = True


def _pg_array(ids: list[int]) -> str:
    # One text literal parses far faster than an ARRAY[...] of many thousands.
    return "{" + ",".join(map(str, ids)) + "}"
