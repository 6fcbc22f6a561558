"""
The ground floor beside ``models``: helpers that know stories only as rows and text.

- ``text``: slugs (Kazakh letters transliterated), HTML sanitising, HTML to text;
- ``images``: checking an uploaded picture with Pillow before anything is stored;
- ``renditions``: the resized copies (JPEG and WebP) pages show;
- ``clock``: the newsroom's time zone (Asia/Almaty) and its conversions;
- ``cache``: the public pages' cache generation and its lifetime.

Nothing here imports from the workflow, search, public, admin or ingest packages.
"""
