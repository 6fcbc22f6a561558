"""
The ground floor beside ``models``: helpers that know stories only as rows and text.

- ``text``: slugs (Kazakh letters transliterated), HTML sanitising, HTML to text;
- ``latin``: Kazakh Cyrillic spelled in the Latin alphabet of 2021;
- ``images``: checking an uploaded picture with Pillow before anything is stored;
- ``renditions``: the resized copies (JPEG and WebP) pages show, made on upload;
- ``clock``: the newsroom's time zone (Asia/Almaty) and its conversions;
- ``sections``: the tree of sections and which of them hold public stories;
- ``paths``: public addresses without a full URL resolution each time;
- ``prepared``: querysets compiled once per process (prepared on PostgreSQL);
- ``cache``: how public pages go stale (purge by key, the next scheduled story);
  ``cache_backends``: the shared caches that fail open; ``edge``: purging Varnish.

Nothing here imports from the workflow, search, public, admin or ingest packages.
"""
