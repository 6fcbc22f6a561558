"""
Full-text search of stories, one engine for the reader search page and the admin.

- ``analysis``: folding (case, ё, Kazakh letters, accents), stems, query parsing;
- ``index``: writing the index (FTS5 on SQLite, tsvector on PostgreSQL):
  ``index_stories``, ``unindex_stories``, ``refresh_filters``, ``rebuild_index``,
  ``bulk_indexing``;
- ``query``: the filters and the SQL plan per backend;
- ``results``: ``search_stories`` and ``search_queryset``, lazily counted results;
- ``snippets``: highlighted snippets;
- ``forms``: the search form with its filters;
- ``signals``: the index writes Django makes itself (deletes, many-to-many links,
  renames of tags, authors and sources); the services call the index for the rest.
"""
