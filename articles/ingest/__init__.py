"""
Bringing stories in: story files, sources' feeds, WordPress exports, the demo.

Every reader turns its input into ``items.StoryItem`` values;
``pipeline.story_import`` writes each one in its own transaction, creating,
updating or skipping it by the keys recorded in ``ImportedItem``, and moves it with
the workflow.

- ``items``: what an item carries and the checks it passes; ``pipeline``: their
  writing; ``summary``: what a run did;
- ``duplicates``: items that repeat a stored story; ``pictures``: only pictures
  stored here stay in imported text;
- ``catalog``: the importing user and the sections, sources and people items name;
- ``language``: telling Kazakh from Russian and English;
- ``textfile``, ``rss``, ``wxr`` + ``wordpress`` + ``wordpress_media``: the readers;
- ``command``: the shared base of the import commands (their language, the purge
  of the public pages' cache after a run);
- ``demo``: the demo newsroom's content and pictures.
"""
