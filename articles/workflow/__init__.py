"""
The editorial workflow: who may do what to a story, and the only code that changes
its status.

- ``rules``: the capability matrix (role × object × action, ``allowed``) and the
  actions (submit, approve, publish…), who may take them and in which state
  (``available_actions``, ``can_edit``, ``can_preview``, ``state_of``);
- ``services``: ``story_transition``, ``story_save``, ``story_add_note``,
  ``story_publish_imported``: every move under a row lock, with an event row, and
  every side effect of a save or a move (redirect, search index, cache purge, mail);
- ``purges``: which cached public pages a change makes stale (by key);
- ``queues``: counts per state, the review queue, a journalist's own stories;
- ``notifications``: mail to authors and editors after a move;
- ``revisions``: versions of a story, their comparison and restore;
- ``catalog``: pictures, sections, sources and authors stored and changed
  (``image_create``, ``item_save``) with the same optimistic lock as stories;
- ``roles``: the Journalist, Editor and Chief editor groups and their permissions;
- ``api_keys``: partners' keys to the read API, made, changed and deleted.
"""
