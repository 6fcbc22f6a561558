"""
The readers' site.

- ``views`` (lists: home, sections, sources, tags, authors, archive) and ``story``
  (the story page);
- ``search``: the reader's search page;
- ``syndication``: outgoing RSS and Atom feeds; ``sitemaps``: sitemaps and robots;
- ``preview``: staff previews and signed share links;
- ``redirects``: old addresses answered with 301;
- ``page_cache``: the anonymous page cache; ``reads``: "most read" counting;
- ``urls`` (language-prefixed addresses) and ``root_urls`` (the rest);
- ``api``: the read API at ``/api/v1/`` (JSON for apps and partners).
"""
