"""
The editors' admin, one module per screen family.

- ``stories``: the story list and form, with the workflow's buttons (``workflow``) and
  the desk's views: moves, notes, share links, versions, queues (``desk``);
- ``catalog``: pictures, sections, sources, tags, authors;
- ``redirects``: old addresses of stories;
- ``imports``: story-file uploads, source feeds and the import record;
- ``editor``: the story text editor, its interface in the admin's language;
- ``uploads``: pictures uploaded from the story editor;
- ``api_keys``: partners' keys to the read API (chief editors only);
- ``base``: what every screen shares: rights from the capability matrix, and list
  filters that answer bad input with a message.

Django's autodiscovery imports this package; importing the modules registers them.
"""

from articles.admin import api_keys, catalog, imports, redirects, stories  # noqa: F401
