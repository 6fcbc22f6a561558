"""Reading a WordPress export (WXR) as a stream: its authors, attachments and posts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext_lazy

from articles.core.clock import NEWSROOM_TZ
from articles.ingest.summary import ItemError

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


_UPLOADS = "/wp-content/uploads/"


# WordPress writes the photo credit into the attachment's PHP-serialised metadata.
_CREDIT_RE = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')


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
class Term:
    """A WordPress category: its name and the nicename of its parent, if any."""

    name: str
    nicename: str
    parent: str = ""


@dataclass
class Export:
    path: Path
    wp: str = ""
    base_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    # Categories by nicename, as the export's header lists them.
    categories: dict[str, Term] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    # Attachments by their file's path under the uploads folder ("2023/10/x.jpg").
    uploads: dict[str, Attachment] = field(default_factory=dict)

    @property
    def ns(self) -> str:
        """Return the WordPress namespace as ElementTree spells it in tags."""
        return "{" + self.wp + "}"


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
        tag = element.tag  # type: ignore[attr-defined]
        if not export.wp:
            export.wp = next(
                (ns for ns in WP_NAMESPACES if tag.startswith("{" + ns)), ""
            )
        wp = export.ns
        if tag == f"{wp}base_site_url":
            export.base_url = (element.text or "").strip().rstrip("/")  # type: ignore[attr-defined]
        elif tag == f"{wp}author":
            login = _text(element, f"{wp}author_login")
            name = _text(element, f"{wp}author_display_name") or login
            if login:
                export.authors[login] = name
            element.clear()  # type: ignore[attr-defined]
        elif tag == f"{wp}category":
            nicename = unquote(_text(element, f"{wp}category_nicename"))
            if nicename:
                export.categories[nicename] = Term(
                    name=" ".join(_text(element, f"{wp}cat_name").split()),
                    nicename=nicename,
                    parent=unquote(_text(element, f"{wp}category_parent")),
                )
            element.clear()  # type: ignore[attr-defined]
        elif tag == "item":
            if _text(element, f"{wp}post_type") == "attachment":
                attachment = _attachment(element, wp)
                export.attachments[attachment.post_id] = attachment
                for upload in {attachment.relative_path, _upload_path(attachment.url)}:
                    if upload:
                        export.uploads.setdefault(upload, attachment)
            element.clear()  # type: ignore[attr-defined]
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


def _stamp(element, wp: str, name: str) -> datetime | None:
    """Return the post's time called name (post_date, post_modified), UTC first."""
    for tag, zone in ((f"{name}_gmt", UTC), (name, None)):
        value = _text(element, f"{wp}{tag}")
        if not value or value.startswith("0000"):
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            continue
        return moment.replace(tzinfo=zone or NEWSROOM_TZ)
    return None


def _date(element, wp: str) -> datetime | None:
    found = _stamp(element, wp, "post_date")
    if found is not None:
        return found
    pub = _text(element, "pubDate")
    if pub:
        try:
            return parsedate_to_datetime(pub)
        except (TypeError, ValueError):
            pass
    return None


def _modified(element, wp: str) -> datetime | None:
    """Return when the post was last changed at the source, if the export says."""
    return _stamp(element, wp, "post_modified")


def count_posts(export: Export) -> int:
    """Return how many items the export holds (for the progress bar)."""
    return sum(1 for _e, element in _events(export.path) if element.tag == "item")  # type: ignore[attr-defined, misc]
