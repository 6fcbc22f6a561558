"""Plain-text story files: category, headline, paragraphs, then the source's name.

The form agencies and scrapers hand over::

    Экономика

    Headline

    First paragraph…

    Second paragraph…

    TuraNews

    Back to top button

Blank lines separate paragraphs; lines of site chrome (``CHROME_LINES``) are
dropped wherever they stand. The text itself is kept exactly as written.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.html import escape
from django.utils.translation import gettext_lazy

from articles.ingest.items import StoryItem, Target
from articles.ingest.language import detect_language
from articles.ingest.summary import ItemError
from articles.models import ImportKind

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 20_000
FILE_SUFFIXES = (".txt", ".text")
MAX_SOURCE_LINE_CHARS = 80
MAX_SOURCE_LINE_WORDS = 5

ERROR_EMPTY_FILE = gettext_lazy("The file is empty.")
ERROR_FILE_TOO_LARGE = gettext_lazy(
    "The file is %(size)d bytes; story files may be at most %(limit)d."
)
ERROR_BINARY = gettext_lazy("This is not a text file.")
ERROR_TOO_SHORT = gettext_lazy(
    "A story file needs a category line, a headline and at least one paragraph."
)
ERROR_UNREADABLE = gettext_lazy("The file cannot be read: %(error)s")
ERROR_TOO_MANY_FILES = gettext_lazy(
    "More than %(limit)d files were given; only the first %(limit)d were read."
)

# Whole lines of web-site furniture that scraped copy drags along. Compared after
# folding case; only exact whole-line matches are dropped, never parts of the text.
CHROME_LINES = frozenset(
    line.casefold()
    for line in [
        "Back to top button", "Back to top", "Scroll to top", "Share", "Print",
        "Tweet", "Facebook", "Twitter", "Telegram", "WhatsApp", "VK", "Instagram",
        "Наверх", "Вверх", "Кнопка «Наверх»", "Поделиться", "Печать", "Распечатать",
        "Жоғары", "Жоғарыға", "Бөлісу", "Басып шығару",
    ]
)  # fmt: skip

_SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", "»", '"', ")")


def decode_text(data: bytes) -> str:
    """Decode a story file: UTF-8 (with or without BOM), UTF-16 with BOM, else KZ-1048.

    KZ-1048 is Windows-1251 with the Kazakh letters added, so it reads both old
    Kazakh and Russian Windows files.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ItemError(ERROR_UNREADABLE % {"error": error}) from None
    if b"\x00" in data:
        raise ItemError(ERROR_BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("kz1048", errors="replace")


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _is_source_line(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    line = block[0]
    return (
        len(line) <= MAX_SOURCE_LINE_CHARS
        and len(line.split()) <= MAX_SOURCE_LINE_WORDS
        and not line.endswith(_SENTENCE_END)
    )


def paragraphs_html(paragraphs: Iterable[list[str]]) -> str:
    """Return paragraphs (lists of lines) as HTML, each line kept as written."""
    return "\n".join(
        "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"
        for lines in paragraphs
    )


def parse_story_text(text: str, *, where: str, publish: bool = False) -> StoryItem:
    """Read one story in the plain-text form into an item."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [
        line
        for line in text.split("\n")
        if line.strip().casefold() not in CHROME_LINES or not line.strip()
    ]
    head = [line.strip() for line in lines if line.strip()][:2]
    if len(head) < 2:
        raise ItemError(ERROR_TOO_SHORT)
    category_name, headline = head
    # Everything after the headline line, split into paragraphs at blank lines.
    filled = [index for index, line in enumerate(lines) if line.strip()]
    blocks = _blocks(lines[filled[1] + 1 :])
    source_name = ""
    if len(blocks) >= 2 and _is_source_line(blocks[-1]):
        source_name = blocks.pop()[0]
    if not blocks:
        raise ItemError(ERROR_TOO_SHORT)
    plain = "\n".join(" ".join(b) for b in blocks)
    identity = f"{category_name}\n{headline}".casefold()
    return StoryItem(
        where=where,
        headline=headline,
        body=paragraphs_html(blocks),
        language=detect_language(f"{headline}\n{plain}"),
        category_name=category_name,
        source_name=source_name,
        keys=[(ImportKind.FILE, hashlib.sha256(identity.encode()).hexdigest())],
        target=Target.PUBLISH if publish else Target.REVIEW,
    )


def read_story_bytes(data: bytes, *, where: str, publish: bool = False) -> StoryItem:
    """Decode and parse the bytes of one story file, refusing what is not one."""
    if not data.strip():
        raise ItemError(ERROR_EMPTY_FILE)
    if len(data) > MAX_FILE_BYTES:
        raise ItemError(
            ERROR_FILE_TOO_LARGE % {"size": len(data), "limit": MAX_FILE_BYTES}
        )
    return parse_story_text(decode_text(data), where=where, publish=publish)


def read_story_file(path: Path, *, publish: bool = False) -> StoryItem:
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ItemError(
                ERROR_FILE_TOO_LARGE % {"size": size, "limit": MAX_FILE_BYTES}
            )
        data = path.read_bytes()
    except OSError as error:
        raise ItemError(ERROR_UNREADABLE % {"error": error.strerror or error}) from None
    return read_story_bytes(data, where=where, publish=publish)


def story_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the files named, and the text files inside the folders named, in order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FILE_SUFFIXES
            )
        else:
            yield path
