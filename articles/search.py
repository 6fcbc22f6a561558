"""
Full-text search of stories, one engine for the reader search page and the admin.

Text is folded before it is indexed and before it is searched: case, ё→е, Kazakh
letters to their Russian look-alikes (a reader on a Russian keyboard types "Туркистан"
for "Түркістан"), Latin accents dropped. Query words lose a known Kazakh, Russian or
English ending and match as prefixes, so "облыс", "облысы" and "облысының" find each
other. PostgreSQL keeps a stored tsvector per story (``simple`` config on folded text,
plus ``russian`` stems for Russian stories) behind a GIN index, and a trigram index on
folded headlines for misspelt queries; SQLite keeps an FTS5 table (unicode61). The index
is written from Python on every save, in the signal handlers at the bottom of this
module, so views never touch it.

Results: all words must match; failing that, any word; failing that, words spelt
alike. Relevance (then recency) orders the newest RANK_WINDOW matches.

QuerySet.update() sends no signals: code that changes indexed text that way must call
index_stories(), and code that changes status, publication time or category must call
refresh_filters() (PostgreSQL copies those into its index; the story row still
decides visibility). Long runs of saves can be wrapped in bulk_indexing().
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .models import (
    CALENDAR_YEARS,
    Author,
    Category,
    Language,
    Source,
    Status,
    Story,
    Tag,
    day_start,
)

INDEX_TABLE = "articles_story_search"

# Guards that keep any input cheap: text past these limits is ignored.
MAX_QUERY_CHARS = 300
MAX_TERMS = 8
MAX_TERM_CHARS = 40
MIN_STEM = 4
MAX_BODY_CHARS = 100_000
SNIPPET_CHARS = 240
# Relevance orders the newest RANK_WINDOW matches, older ones follow by date: a word
# found in half the archive still answers fast, with recent stories first.
RANK_WINDOW = 2_000
PAGE_SIZE = 20
# Column weights: headline, summary, body, tags and names.
BM25_WEIGHTS = "10.0, 4.0, 1.0, 3.0"

FIELDS_INDEXED = {"headline", "dek", "body", "body_text", "language", "source"}
# Copied into the PostgreSQL index so that a search reads one table; the story row
# stays the authority on what a reader may see.
FILTER_COLUMNS = ("status", "published_at", "category_id", "source_id")
FIELDS_FILTERED = {"status", "published_at", "category"}

_KAZAKH_TO_RUSSIAN = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
    }
)


def _latin_accents() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


_FOLD = {**_KAZAKH_TO_RUSSIAN, **_latin_accents()}
WORD_RE = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Fold case, ё and Kazakh letters, keeping every character in its place."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # A few letters lower-case to two characters (İ); keep the offsets aligned.
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_FOLD)


def index_text(text: str) -> str:
    """Return the folded words of text, separated by single spaces."""
    return " ".join(WORD_RE.findall(fold(unicodedata.normalize("NFC", text))))


def _words(text: str) -> set[str]:
    return set(text.split())


# Endings in folded spelling, longest first; a word keeps at least MIN_STEM letters.
_SUFFIXES = sorted(
    # Kazakh: plural, possessive and case endings (-лар, -ның, -ға, -да, -дан, -мен…)
    _words("лар лер дар дер тар тер ымыз имиз ныз низ ын ин")
    | _words("нын нин дын дин тын тин нан нен дан ден тан тен мен бен пен")
    | _words("нда нде да де та те на не га ге ка ке ны ни ды ди ты ти")
    | _words("дагы даги тагы таги ндагы ндаги")
    # Russian noun and adjective endings
    | _words("ами ями ого его ому ему ыми ими ах ях ов ев ей ой ий ый ая яя ое ее")
    | _words("ые ие ую юю ом ем ам ям ия ию ии а я ы и е о у ю ь")
    # English
    | _words("ing ed es s"),
    key=len,
    reverse=True,
)
# Kazakh (folded), Russian and English words that only glue a phrase together.
STOPWORDS = (
    _words("жане мен бен пен да де та те ал бул осы сол ушин деп ол олар бир")
    | _words("и в во на с со по к ко о об от из за для не что как это а но или у же")
    | _words("the a an of in on and or to for is are at by with from as be it its not")
)


def stem(word: str) -> str:
    """Strip up to three known endings from a folded word.

    The longest ending that leaves five letters wins, else the longest leaving four:
    "алматы" keeps "алмат" (not "алма"), "школа" becomes "школ".
    """
    for _round in range(3):
        fits = [s for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 4]
        if not fits:
            break
        roomy = [s for s in fits if len(word) - len(s) >= MIN_STEM + 1]
        word = word[: -len((roomy or fits)[0])]
    return word


@dataclass(frozen=True)
class Term:
    word: str
    stem: str


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self, *, any_term: bool = False) -> str:
        """Return an FTS5 MATCH expression; words are quoted, never operators."""
        groups = [f'("{t.word}" OR "{t.stem}"*)' for t in self.terms]
        return (" OR " if any_term else " AND ").join(groups)

    def highlight_re(self) -> re.Pattern:
        stems = sorted({t.stem for t in self.terms}, key=len, reverse=True)
        return re.compile(
            r"(?<![^\W_])(?:" + "|".join(map(re.escape, stems)) + r")[^\W_]*"
        )


def parse_query(raw: str | None) -> ParsedQuery:
    """Turn whatever a reader typed into a short list of safe folded words."""
    words = WORD_RE.findall(index_text((raw or "")[:MAX_QUERY_CHARS]))
    words = [w[:MAX_TERM_CHARS] for w in words]
    kept = [w for w in words if w not in STOPWORDS and len(w) > 1] or words
    terms, seen = [], set()
    for word in kept:
        if word not in seen:
            seen.add(word)
            terms.append(Term(word=word, stem=stem(word)))
    return ParsedQuery(terms=tuple(terms[:MAX_TERMS]))


# Index maintenance ------------------------------------------------------------------


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


def _is_postgres(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


def _documents(story_ids: Sequence[int] | None, apps=None) -> Iterable[Document]:
    """Yield index documents for the given stories (all when None), in chunks."""
    get = apps.get_model if apps else _current_model
    story_model = get("articles", "Story")
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


def _current_model(app_label: str, name: str):
    return {"Story": Story}[name]


def _pg_part(weight: str, *, russian: bool) -> str:
    vector = "to_tsvector('simple', %s)"
    if russian:
        # Russian stories also carry snowball stems, so "выборы" finds "выборов".
        vector += " || to_tsvector('russian', %s)"
    return f"setweight({vector}, '{weight}')"


def _pg_row(doc: Document) -> tuple[str, list]:
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


def _write(docs: list[Document], conn, *, replace: bool = True) -> None:
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


_deferred: ContextVar[set[int] | None] = ContextVar("search_deferred", default=None)


@contextmanager
def bulk_indexing():
    """Collect the index writes of a long run of saves (an import) and make them in
    batches at the end. Until then the new stories are not yet searchable."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
    finally:
        pending = _deferred.get()
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


def _pg_has_filter_columns(conn) -> bool:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [INDEX_TABLE, FILTER_COLUMNS[-1]],
        )
        return cursor.fetchone() is not None


def rebuild_index(*, conn=None, apps=None, batch: int = 1000) -> int:
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


# Searching ----------------------------------------------------------------------------


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
        parts.append("(to_tsquery('simple', %s) || plainto_tsquery('russian', %s))")
        params += [f"'{term.word}' | '{term.stem}':*", term.word]
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


@dataclass
class SearchResults:
    """A lazily counted, lazily sliced list of matching stories, best first."""

    query: ParsedQuery
    filters: Filters = field(default_factory=Filters)
    public: bool = True
    mode: str = "all"
    _plan: _Plan | None = None
    _count: int | None = None
    _page_cache: dict = field(default_factory=dict)

    def __post_init__(self):
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

    def _ranked(self, offset: int, limit: int, *, with_total: bool = False) -> list:
        plan = self._plan
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
            return cursor.fetchall()

    def ids(self, offset: int, limit: int) -> list[int]:
        """Return story ids best first: the newest RANK_WINDOW matches by relevance
        (then recency), any older matches after them by recency."""
        plan = self._plan
        if plan is None or limit <= 0:
            return []
        first = self._page_cache.get((0, PAGE_SIZE))
        if first is not None and offset + limit <= PAGE_SIZE:
            return first[offset : offset + limit]
        found = []
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

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        total = self.count()  # settles which plan (all, any, similar) answers
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = total
        ids = self.ids(start, stop - start)
        stories = Story.objects.for_lists().defer("body")
        if self.public:
            # The story rows decide visibility, whatever the index says.
            stories = stories.published()
        stories = stories.in_bulk(ids)
        pattern = self.query.highlight_re() if self.query else None
        found = []
        for pk in ids:
            story = stories.get(pk)
            if story is not None:
                story.search_snippet = snippet(story, pattern)
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
    queryset: models.QuerySet, text: str, *, best_first: bool = True
) -> models.QuerySet:
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


# Snippets -----------------------------------------------------------------------------


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """Escape text and wrap the words the query matched in <mark>."""
    if pattern is None or not text:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(fold(text)):
        out += [escape(text[last : match.start()]), "<mark>"]
        out += [escape(text[match.start() : match.end()]), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped


def snippet(story: Story, pattern: re.Pattern | None) -> SafeString:
    """Return a short highlighted passage of the story around the first match."""
    for text in (story.body_text, story.dek):
        match = pattern.search(fold(text)) if pattern and text else None
        if match:
            break
    else:
        text = story.body_text or story.dek
        match = None
    if not text:
        return mark_safe("")
    start = 0
    if match and match.start() > SNIPPET_CHARS // 3:
        start = text.rfind(" ", 0, match.start() - SNIPPET_CHARS // 3) + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = text[start:end].strip()
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    return mark_safe(lead + highlight(passage, pattern) + tail)  # noqa: S308


# The search form ----------------------------------------------------------------------


ERROR_DATE_RANGE = _("The start date is after the end date.")
ERROR_DATE_OUT_OF_RANGE = _("Choose a date between %(first)s and %(last)s.")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sources"),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("All languages")), *Language.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self) -> str:
        # Long pastes are cut, not refused: search must answer whatever is typed.
        text = self.cleaned_data["q"][:MAX_QUERY_CHARS]
        return "".join(c if c.isprintable() else " " for c in text).strip()

    def _clean_day(self, name: str):
        day = self.cleaned_data.get(name)
        if day is not None and day.year not in CALENDAR_YEARS:
            raise forms.ValidationError(
                ERROR_DATE_OUT_OF_RANGE,
                code="date_out_of_range",
                params={"first": CALENDAR_YEARS[0], "last": CALENDAR_YEARS[-1]},
            )
        return day

    def clean_date_from(self):
        return self._clean_day("date_from")

    def clean_date_to(self):
        return self._clean_day("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(ERROR_DATE_RANGE, code="date_range")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        category = data.get("category")
        category_ids: tuple[int, ...] = ()
        if category is not None:
            children = category.children.values_list("pk", flat=True)
            category_ids = (category.pk, *children)
        return Filters(
            category_ids=category_ids,
            source_id=data["source"].pk if data.get("source") else None,
            language=data.get("language") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


# Keeping the index in step with the stories -------------------------------------------


def _story_saved(sender, instance, update_fields=None, **kwargs):
    changed = set(update_fields) if update_fields is not None else None
    if changed is None or FIELDS_INDEXED & changed:
        index_stories([instance.pk])
    elif FIELDS_FILTERED & changed:
        refresh_filters([instance])


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


def _story_deleted(sender, instance, **kwargs):
    unindex_stories([instance.pk])


def _story_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_story_ids = list(instance.stories.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        index_stories([instance.pk])
    elif action == "post_clear":
        index_stories(getattr(instance, "_search_story_ids", []))
    else:
        index_stories(pk_set or [])


def _name_before_save(sender, instance, **kwargs):
    if instance.pk:
        instance._search_old_name = (
            sender._default_manager.filter(pk=instance.pk)
            .values_list("name", flat=True)
            .first()
        )


def _name_saved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_search_old_name", None) != instance.name:
        index_stories(instance.stories.values_list("pk", flat=True))


def _linked_before_delete(sender, instance, **kwargs):
    instance._search_story_ids = list(instance.stories.values_list("pk", flat=True))


def _linked_deleted(sender, instance, **kwargs):
    index_stories(getattr(instance, "_search_story_ids", []))


def connect_signals() -> None:
    """Keep the index in step with stories, their tags, authors and sources."""
    uid = "articles.search"
    post_save.connect(_story_saved, sender=Story, dispatch_uid=f"{uid}.story_saved")
    post_delete.connect(_story_deleted, sender=Story, dispatch_uid=f"{uid}.story_del")
    for through in (Story.tags.through, Story.authors.through):
        m2m_changed.connect(
            _story_links_changed, sender=through, dispatch_uid=f"{uid}.{through}"
        )
    for model in (Tag, Author, Source):
        pre_save.connect(
            _name_before_save, sender=model, dispatch_uid=f"{uid}.{model}.p"
        )
        post_save.connect(_name_saved, sender=model, dispatch_uid=f"{uid}.{model}.s")
    for model in (Tag, Author):
        pre_delete.connect(
            _linked_before_delete, sender=model, dispatch_uid=f"{uid}.{model}.pd"
        )
        post_delete.connect(
            _linked_deleted, sender=model, dispatch_uid=f"{uid}.{model}.d"
        )
