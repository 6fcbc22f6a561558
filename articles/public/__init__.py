"""
The readers' site.

- ``views`` (lists: home, sections, sources, tags, authors, corrections), ``archive``
  (a year, month or day) and ``story`` (the story page);
- ``search``: the reader's search page;
- ``edition``: the Kazakh edition again in the Latin alphabet, under ``/kk-latn/``;
- ``syndication``: outgoing RSS and Atom feeds; ``sitemaps``: sitemaps and robots;
- ``preview``: staff previews and signed share links;
- ``redirects``: old addresses answered with 301 (or 410 when withdrawn);
- ``bad_requests``: addresses no page can mean (NUL bytes) answered with 400;
- ``page_cache``: public pages' cache headers and keys, and the shared page cache
  that serves anonymous readers first; ``reads``: "most read" counting;
- ``api``: the read API for apps and partners (``/api/v1/``);
- ``urls`` (language-prefixed addresses) and ``root_urls`` (the rest).
"""
