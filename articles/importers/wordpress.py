"""WordPress WXR exports: posts with their status, terms, authors, dates and pictures.

The export is read twice as a stream with defusedxml (no DTD, no entities): first
for its authors and attachments, then for its posts, so memory stays flat however
large the archive.
"""

from __future__ import annotations

import html
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
from django.utils.html import escape
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
WARNING_INLINE_NO_FILE = gettext_lazy(
    "picture “%(url)s” is not among the local files; it still points at the old site"
)
WARNING_INLINE_BAD_IMAGE = gettext_lazy(
    "picture “%(url)s” refused (%(error)s); it still points at the old site"
)
WARNING_INLINE_NOT_IMAGE = gettext_lazy(
    "link to “%(url)s” is not a picture; it still points at the old site"
)
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
_UPLOADS = "/wp-content/uploads/"
# WordPress writes the photo credit into the attachment's PHP-serialised metadata.
_CREDIT_RE = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')
# The smaller copies WordPress cuts from an upload: x.jpg -> x-300x200.jpg.
_SIZE_SUFFIX_RE = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_TAG_RE = re.compile(r"<(img|a|source)\b([^>]*)>", re.I)
_ATTR_RE = re.compile(
    r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


@dataclass
class Attachment:
    post_id: str
    url: str
    relative_path: str = ""
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class Export:
    path: Path
    wp: str = ""
    base_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    # Attachments by their file's path under the uploads folder ("2023/10/x.jpg").
    uploads: dict[str, Attachment] = field(default_factory=dict)

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
                for upload in {attachment.relative_path, _upload_path(attachment.url)}:
                    if upload:
                        export.uploads.setdefault(upload, attachment)
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
    credit = _CREDIT_RE.search(meta.get("_wp_attachment_metadata", ""))
    return Attachment(
        post_id=_text(element, f"{wp}post_id"),
        url=_text(element, f"{wp}attachment_url") or _text(element, "guid"),
        relative_path=meta.get("_wp_attached_file", "").lstrip("/"),
        title=_text(element, "title"),
        alt=meta.get("_wp_attachment_image_alt", ""),
        caption=_text(element, "{http://wordpress.org/export/1.2/excerpt/}encoded"),
        credit=credit.group(1) if credit else "",
    )


def _upload_path(url: str) -> str:
    """Return a file's path under the uploads folder from its address, or ""."""
    path = unquote(urlsplit(url).path)
    if _UPLOADS in path:
        return path.split(_UPLOADS, 1)[1].lstrip("/")
    return ""


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


def post_where(element, export: Export) -> str:
    """Return how a post is named in the summary."""
    post_id = _text(element, f"{export.ns}post_id")
    return f"{export.path.name}: post {post_id} “{_text(element, 'title')[:60]}”"


def post_item(element, export: Export, images: InlineImages | None = None) -> StoryItem:
    """Turn one WXR post into a story item, its pictures moved over by images."""
    wp = export.ns
    post_id = _text(element, f"{wp}post_id")
    status = _text(element, f"{wp}status")
    title = _text(element, "title")
    where = post_where(element, export)
    body = wp_autop(_text(element, f"{{{NS['content']}}}encoded"))
    if images is not None:
        body = images.rewrite(body, where)
    body = sanitize_html(body)
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
    key = attachment_key(export, attachment)
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
        return store_image(
            key=key,
            path=path,
            alt=attachment.alt or attachment.title,
            attachment=attachment,
        )
    except ValidationError as error:
        summary.warn(
            where,
            WARNING_BAD_IMAGE
            % {"url": attachment.url, "error": " ".join(error.messages)},
        )
        return None


def attachment_key(export: Export, attachment: Attachment) -> str:
    return key_for(f"{export.base_url}/?attachment_id={attachment.post_id}")


def store_image(
    *, key: str, path: Path, alt: str, attachment: Attachment | None
) -> Image:
    """Store the picture at path as an Image, checked like every upload, once."""
    try:
        with path.open("rb") as handle:
            checked = check_image(File(handle, name=path.name))
    except OSError as error:
        raise ValidationError(str(error.strerror or error)) from None
    caption = html_to_text(attachment.caption) if attachment else ""
    image = Image.objects.create(
        file=checked.content,
        alt_text=(" ".join(alt.split()) or path.stem)[:300],
        caption=caption[:300],
        credit=html_to_text(attachment.credit)[:150] if attachment else "",
    )
    ImportedItem.objects.create(
        kind=ImportKind.WORDPRESS_ATTACHMENT, key=key, image=image
    )
    return image


def _attributes(raw: str) -> list[tuple[str, str | None]]:
    """Return a tag's attributes as (name, raw value), in their order."""
    found = []
    for match in _ATTR_RE.finditer(raw):
        name, double, single, bare = match.groups()
        value = next((v for v in (double, single, bare) if v is not None), None)
        if value is not None and single is not None:
            value = value.replace('"', "&quot;")
        found.append((name.lower(), value))
    return found


def _tag(name: str, attributes: list[tuple[str, str | None]], closed: bool) -> str:
    parts = [name]
    for attribute, value in attributes:
        parts.append(attribute if value is None else f'{attribute}="{value}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


class InlineImages:
    """Pictures in post bodies: files from the uploads folder stored once, links
    rewritten to them; what cannot be moved keeps its old address and is reported.
    """

    def __init__(self, export: Export, media_dir: Path | None, summary):
        self.export = export
        self.media_dir = media_dir.resolve() if media_dir else None
        self.summary = summary
        host = (urlsplit(export.base_url).hostname or "").lower()
        bare = host.removeprefix("www.")
        self.hosts = {h for h in (host, bare, f"www.{bare}") if h and h != "www."}

    def is_old(self, url: str) -> bool:
        """Return whether url is a file in the old site's uploads folder."""
        parts = urlsplit(html.unescape(url.strip()))
        if parts.scheme not in ("", "http", "https"):
            return False
        if parts.netloc and (parts.hostname or "").lower() not in self.hosts:
            return False
        return _UPLOADS in unquote(parts.path)

    def rewrite(self, body: str, where: str) -> str:
        """Return body with the old site's pictures pointing at stored Images."""
        done: dict[str, Image | None] = {}

        def replace(match):
            name = match.group(1).lower()
            raw = match.group(2)
            closed = raw.rstrip().endswith("/")
            attributes = _attributes(raw.rstrip().rstrip("/"))
            values = dict(attributes)
            changed = False
            out = []
            for attribute, value in attributes:
                if value is None:
                    out.append((attribute, value))
                    continue
                if attribute == "srcset" and any(
                    self.is_old(c.split()[0]) for c in value.split(",") if c.strip()
                ):
                    changed = True  # renditions of the old site: src serves instead
                    continue
                if attribute == "sizes" and "srcset" in values:
                    srcset = values["srcset"] or ""
                    if any(
                        self.is_old(c.split()[0])
                        for c in srcset.split(",")
                        if c.strip()
                    ):
                        continue
                link = (name == "img" and attribute == "src") or (
                    name == "a" and attribute == "href"
                )
                if link and self.is_old(value):
                    alt = html.unescape(values.get("alt") or "")
                    image = self._image(html.unescape(value), alt, where, done)
                    if image is not None:
                        value = escape(image.file.url)
                        changed = True
                        if name == "img" and not values.get("alt"):
                            out.append(("alt", escape(image.alt_text)))
                out.append((attribute, value))
            if not changed:
                return match.group(0)
            return _tag(name, out, closed)

        return _TAG_RE.sub(replace, body)

    def _image(self, url: str, alt: str, where: str, done: dict) -> Image | None:
        relative = _upload_path(url)
        original = _SIZE_SUFFIX_RE.sub("", relative)
        if original in done:
            return done[original]
        done[original] = image = self._find_or_store(
            url, relative, original, alt, where
        )
        return image

    def _find_or_store(
        self, url: str, relative: str, original: str, alt: str, where: str
    ) -> Image | None:
        if not original.lower().endswith(IMAGE_SUFFIXES):
            self.summary.warn(where, WARNING_INLINE_NOT_IMAGE % {"url": url})
            return None
        attachment = self.export.uploads.get(original) or self.export.uploads.get(
            relative
        )
        # The full-size file first; a smaller copy only when it is all there is.
        choices = [(original, attachment)]
        if relative != original:
            choices.append((relative, None))
        for path_under, owner in choices:
            if owner is not None:
                key = attachment_key(self.export, owner)
            else:
                key = key_for(f"{self.export.base_url}{_UPLOADS}{path_under}")
            known = (
                ImportedItem.objects.filter(
                    kind=ImportKind.WORDPRESS_ATTACHMENT, key=key, image__isnull=False
                )
                .select_related("image")
                .first()
            )
            if known is not None:
                return known.image
            path = self._file(path_under, owner)
            if path is None:
                continue
            try:
                return store_image(
                    key=key,
                    path=path,
                    alt=alt or (owner.alt or owner.title if owner else ""),
                    attachment=owner,
                )
            except ValidationError as error:
                reason = " ".join(error.messages)
                self.summary.warn(
                    where, WARNING_INLINE_BAD_IMAGE % {"url": url, "error": reason}
                )
                return None
        self.summary.warn(where, WARNING_INLINE_NO_FILE % {"url": url})
        return None

    def _file(self, path_under: str, owner: Attachment | None) -> Path | None:
        if self.media_dir is None:
            return None
        if owner is not None:
            return _local_file(owner, self.media_dir)
        path = (self.media_dir / path_under).resolve()
        if path.is_relative_to(self.media_dir) and path.is_file():
            return path
        return None


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
    # The pictures a post brings are stored with it or not at all.
    with transaction.atomic():
        images = InlineImages(export, media_dir, summary)
        try:
            item = post_item(element, export, images)
        except ItemError as error:
            summary.fail(where, str(error))
            transaction.set_rollback(True)
            return
        item.hero_image = featured_image(
            element, export, media_dir, item.where, summary
        )
        result = summary.add(story_import(item=item, user=user, catalog=catalog))
        if result.outcome is Outcome.FAILED:
            transaction.set_rollback(True)
