"""WordPress WXR exports: posts with their status, terms, authors, dates and pictures.

The export is read twice as a stream with defusedxml (no DTD, no entities): first
for its authors and attachments, then for its posts, so memory stays flat however
large the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy

from ..images import check_image
from ..models import Image, ImportedItem, ImportKind
from ..text import html_to_text, sanitize_html
from .base import (
    Catalog,
    ImportSummary,
    ItemError,
    ItemResult,
    Outcome,
    StoryItem,
    Target,
    detect_language,
    key_for,
    story_import,
)

MAX_WXR_BYTES = 500 * 1024 * 1024
MAX_ITEMS = 200_000

NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
WP_NAMESPACES = [f"http://wordpress.org/export/{v}/" for v in ("1.2", "1.1", "1.0")]

ERROR_WXR_TOO_LARGE = gettext_lazy(
    "The export is %(size)d bytes; at most %(limit)d are read."
)
ERROR_NOT_XML = gettext_lazy("The export is not well-formed XML: %(error)s")
ERROR_XML_FORBIDDEN = gettext_lazy(
    "The export declares a DTD or XML entities, which are refused."
)
ERROR_NOT_WXR = gettext_lazy("This is not a WordPress export (WXR) file.")
ERROR_TOO_MANY_ITEMS = gettext_lazy(
    "The export has more than %(limit)d items; the rest were not read."
)
ERROR_UNREADABLE = gettext_lazy("The export cannot be read: %(error)s")
WARNING_NO_FILE = gettext_lazy(
    "featured image “%(url)s” is not among the local files; imported without it"
)
WARNING_BAD_IMAGE = gettext_lazy("featured image “%(url)s” refused: %(error)s")
REASON_NOT_A_POST = gettext_lazy("not a post (%(type)s)")
REASON_STATUS = gettext_lazy("status “%(status)s” is not imported")

# WordPress status -> where the story lands. Private posts were never public, so
# they come in as drafts; trash and auto-drafts are left behind.
STATUS_TARGETS = {
    "publish": Target.PUBLISH,
    "future": Target.PUBLISH,
    "pending": Target.REVIEW,
    "draft": Target.DRAFT,
    "private": Target.DRAFT,
}

_SHORTCODE_RE = re.compile(r"\[/?[a-zA-Z_][\w-]*(?:\s[^\]]*)?\]")
_BLOCK_RE = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|table|figure|pre|hr|!--)[\s>/]", re.I
)
_PARAGRAPH_SPLIT_RE = re.compile(r"\n\s*\n")


@dataclass
class Attachment:
    post_id: str
    url: str
    relative_path: str = ""
    title: str = ""
    alt: str = ""
    caption: str = ""


@dataclass
class Export:
    path: Path
    wp: str = ""
    base_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)

    @property
    def ns(self) -> str:
        """Return the WordPress namespace as ElementTree spells it in tags."""
        return "{" + self.wp + "}"


def wp_autop(html: str) -> str:
    """Give WordPress post text its paragraphs, as WordPress does when it shows it.

    WordPress stores paragraphs as blank-line-separated text and adds <p> on
    display; chunks that already start with a block element are left as they are.
    Shortcodes ([caption], [gallery]…) are dropped, their inner text kept.
    """
    html = _SHORTCODE_RE.sub("", html.replace("\r\n", "\n"))
    out = []
    for chunk in _PARAGRAPH_SPLIT_RE.split(html.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_RE.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def _text(element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _events(path: Path) -> Iterator[tuple[str, object]]:
    try:
        yield from SafeET.iterparse(str(path), events=("end",), forbid_dtd=True)
    except DefusedXmlException:
        raise ItemError(ERROR_XML_FORBIDDEN) from None
    except SafeET.ParseError as error:
        raise ItemError(ERROR_NOT_XML % {"error": error}) from None
    except OSError as error:
        raise ItemError(ERROR_UNREADABLE % {"error": error.strerror or error}) from None


def read_export(path: Path) -> Export:
    """Read the export's site address, authors and attachments (the first pass)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ItemError(ERROR_UNREADABLE % {"error": error.strerror or error}) from None
    if size > MAX_WXR_BYTES:
        raise ItemError(ERROR_WXR_TOO_LARGE % {"size": size, "limit": MAX_WXR_BYTES})
    export = Export(path=path)
    for _event, element in _events(path):
        tag = element.tag
        if not export.wp:
            export.wp = next(
                (ns for ns in WP_NAMESPACES if tag.startswith("{" + ns)), ""
            )
        wp = export.ns
        if tag == f"{wp}base_site_url":
            export.base_url = (element.text or "").strip().rstrip("/")
        elif tag == f"{wp}author":
            login = _text(element, f"{wp}author_login")
            name = _text(element, f"{wp}author_display_name") or login
            if login:
                export.authors[login] = name
            element.clear()
        elif tag == "item":
            if _text(element, f"{wp}post_type") == "attachment":
                attachment = _attachment(element, wp)
                export.attachments[attachment.post_id] = attachment
            element.clear()
    if not export.wp:
        raise ItemError(ERROR_NOT_WXR)
    return export


def _meta(element, wp: str) -> dict[str, str]:
    return {
        _text(m, f"{wp}meta_key"): _text(m, f"{wp}meta_value")
        for m in element.findall(f"{wp}postmeta")
    }


def _attachment(element, wp: str) -> Attachment:
    meta = _meta(element, wp)
    return Attachment(
        post_id=_text(element, f"{wp}post_id"),
        url=_text(element, f"{wp}attachment_url") or _text(element, "guid"),
        relative_path=meta.get("_wp_attached_file", ""),
        title=_text(element, "title"),
        alt=meta.get("_wp_attachment_image_alt", ""),
        caption=_text(element, "{http://wordpress.org/export/1.2/excerpt/}encoded"),
    )


def _date(element, wp: str) -> datetime | None:
    gmt = _text(element, f"{wp}post_date_gmt")
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.fromisoformat(gmt).replace(tzinfo=UTC)
        except ValueError:
            pass
    local = _text(element, f"{wp}post_date")
    if local and not local.startswith("0000"):
        try:
            return datetime.fromisoformat(local).replace(
                tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
        except ValueError:
            pass
    pub = _text(element, "pubDate")
    if pub:
        try:
            return parsedate_to_datetime(pub)
        except (TypeError, ValueError):
            pass
    return None


def _old_path(link: str) -> str:
    parts = urlsplit(link)
    return unquote(parts.path) if parts.path not in ("", "/") else ""


def post_item(element, export: Export) -> StoryItem:
    """Turn one WXR post into a story item."""
    wp = export.ns
    post_id = _text(element, f"{wp}post_id")
    status = _text(element, f"{wp}status")
    title = _text(element, "title")
    where = f"{export.path.name}: post {post_id} “{title[:60]}”"
    body = sanitize_html(wp_autop(_text(element, f"{{{NS['content']}}}encoded")))
    excerpt = ""
    for child in element:
        if child.tag.endswith("}encoded") and "excerpt" in child.tag:
            excerpt = html_to_text(sanitize_html(child.text or ""))
    categories, tags = [], []
    for term in element.findall("category"):
        name = " ".join((term.text or "").split())
        if not name:
            continue
        if term.get("domain") == "category":
            categories.append((name, unquote(term.get("nicename", ""))))
        elif term.get("domain") == "post_tag":
            tags.append(name)
    login = _text(element, f"{{{NS['dc']}}}creator")
    authors = [export.authors.get(login, login)] if login else []
    link = _text(element, "link")
    published = status in ("publish", "future")
    return StoryItem(
        where=where,
        headline=title,
        body=body,
        dek=excerpt,
        language=detect_language(f"{title} {html_to_text(body)}"),
        keys=[(ImportKind.WORDPRESS, f"{export.base_url}/?p={post_id}")],
        category_name=categories[0][0] if categories else "",
        slug_hint=unquote(_text(element, f"{wp}post_name")) or title,
        tags=tags + [name for name, _slug in categories[1:]],
        authors=authors,
        published_at=_date(element, wp),
        target=STATUS_TARGETS[status],
        old_paths=[_old_path(link)] if published and link else [],
    )


def _local_file(attachment: Attachment, media_dir: Path) -> Path | None:
    root = media_dir.resolve()
    candidates = []
    if attachment.relative_path:
        candidates.append(attachment.relative_path)
    url_path = unquote(urlsplit(attachment.url).path)
    if "/uploads/" in url_path:
        candidates.append(url_path.split("/uploads/", 1)[1])
    candidates.append(Path(url_path).name)
    for candidate in candidates:
        path = (root / candidate.lstrip("/")).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def featured_image(
    element, export: Export, media_dir: Path | None, where: str, summary
) -> Image | None:
    """Return the post's featured picture, stored once, if its file is at hand."""
    wp = export.ns
    thumbnail_id = _meta(element, wp).get("_thumbnail_id", "")
    attachment = export.attachments.get(thumbnail_id)
    if attachment is None:
        return None
    key = key_for(f"{export.base_url}/?attachment_id={attachment.post_id}")
    known = ImportedItem.objects.filter(
        kind=ImportKind.WORDPRESS_ATTACHMENT, key=key
    ).first()
    if known is not None:
        return known.image
    path = _local_file(attachment, media_dir) if media_dir else None
    if path is None:
        summary.warn(where, WARNING_NO_FILE % {"url": attachment.url})
        return None
    try:
        with path.open("rb") as handle:
            checked = check_image(File(handle, name=path.name))
    except (ValidationError, OSError) as error:
        reason = " ".join(getattr(error, "messages", [str(error)]))
        summary.warn(
            where, WARNING_BAD_IMAGE % {"url": attachment.url, "error": reason}
        )
        return None
    image = Image.objects.create(
        file=checked.content,
        alt_text=(attachment.alt or attachment.title or path.stem)[:300],
        caption=html_to_text(attachment.caption)[:300],
    )
    ImportedItem.objects.create(
        kind=ImportKind.WORDPRESS_ATTACHMENT, key=key, image=image
    )
    return image


def count_posts(export: Export) -> int:
    """Return how many items the export holds (for the progress bar)."""
    return sum(1 for _e, element in _events(export.path) if element.tag == "item")


def wordpress_import(
    *,
    path: Path,
    user,
    media_dir: Path | None = None,
    catalog: Catalog | None = None,
    progress=None,
    export: Export | None = None,
) -> ImportSummary:
    """Import the posts of a WXR export; each post in its own transaction."""
    catalog = catalog or Catalog()
    summary = ImportSummary()
    try:
        export = export or read_export(path)
    except ItemError as error:
        summary.fail(str(path), str(error))
        return summary
    wp = export.ns
    count = 0
    try:
        for _event, element in _events(path):
            if element.tag != "item":
                continue
            count += 1
            if count > MAX_ITEMS:
                summary.fail(str(path), ERROR_TOO_MANY_ITEMS % {"limit": MAX_ITEMS})
                break
            _post(element, export, wp, user, media_dir, catalog, summary)
            element.clear()
            if progress is not None:
                progress.update(1)
    except ItemError as error:
        summary.fail(str(path), str(error))
    return summary


def _post(element, export, wp, user, media_dir, catalog, summary) -> None:
    post_type = _text(element, f"{wp}post_type")
    post_id = _text(element, f"{wp}post_id")
    where = f"{export.path.name}: post {post_id}"
    if post_type == "attachment":
        return
    if post_type != "post":
        summary.add(
            ItemResult(
                Outcome.SKIPPED,
                where,
                reason=str(REASON_NOT_A_POST % {"type": post_type}),
            )
        )
        return
    status = _text(element, f"{wp}status")
    if status not in STATUS_TARGETS:
        summary.add(
            ItemResult(
                Outcome.SKIPPED, where, reason=str(REASON_STATUS % {"status": status})
            )
        )
        return
    try:
        item = post_item(element, export)
    except ItemError as error:
        summary.fail(where, str(error))
        return
    with transaction.atomic():
        item.hero_image = featured_image(
            element, export, media_dir, item.where, summary
        )
        result = summary.add(story_import(item=item, user=user, catalog=catalog))
        if result.outcome is Outcome.FAILED:
            transaction.set_rollback(True)
