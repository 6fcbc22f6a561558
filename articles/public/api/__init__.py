"""
The read API at ``/api/v1/``: published and due stories, their sections, sources,
authors and tags, and search, as JSON for apps and partners (django-ninja, with an
OpenAPI 3.1 document at ``openapi.json`` and browsable docs at ``docs``).

- ``schemas``: what every endpoint answers, as the OpenAPI document shows it;
- ``present``: stories and the catalogue turned into those shapes, in a language
  (``kk-Latn``: Kazakh spelled in the Latin alphabet);
- ``params``: the query parameters the endpoints share, and cursors;
- ``stories``: the story list, a story, search; ``catalog``: sections, sources,
  authors, tags;
- ``http``: what every answer goes through: API keys, the rate limit, CORS, the
  cache of answers, ``ETag``/``Last-Modified`` and 304;
- ``urls``: the API object and its addresses.
"""
