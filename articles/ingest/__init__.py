"""
Bringing stories in: story files, sources' feeds, WordPress exports, the demo.

Every reader turns its input into ``pipeline.StoryItem`` values;
``pipeline.story_import`` writes each one in its own transaction, creating,
updating or skipping it by the keys recorded in ``ImportedItem``, and moves it with
the workflow.

- ``pipeline``: the items and their writing; ``summary``: what a run did;
- ``catalog``: the importing user and the sections, sources and people items name;
- ``language``: telling Kazakh from Russian and English;
- ``textfile``, ``rss``, ``wxr`` + ``wordpress`` + ``wordpress_media``: the readers;
- ``command``: the shared base of the import commands;
- ``demo``: the demo newsroom's content and pictures.
"""
