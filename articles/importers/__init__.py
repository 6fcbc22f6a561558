"""
Bringing stories in from outside: story files, sources' feeds, WordPress exports.

Every reader turns its input into ``StoryItem`` values; ``story_import`` writes each
one in its own transaction, creating, updating or skipping it by the keys recorded
in ``ImportedItem``, and moves it with the workflow. ``ImportSummary`` counts what
happened and says where and why anything failed.
"""

from .base import (
    Catalog,
    ImportSummary,
    ItemError,
    ItemResult,
    Outcome,
    StoryItem,
    detect_language,
    importer_user,
    story_import,
)

__all__ = [
    "Catalog",
    "ImportSummary",
    "ItemError",
    "ItemResult",
    "Outcome",
    "StoryItem",
    "detect_language",
    "importer_user",
    "story_import",
]
