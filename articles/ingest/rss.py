"""Polling sources' RSS and Atom feeds into draft stories in the review queue."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.core.text import html_to_text, sanitize_html
from articles.ingest.catalog import Catalog, news_category
from articles.ingest.items import MAX_DEK_CHARS, StoryItem, Target
from articles.ingest.language import detect_language
from articles.ingest.pipeline import story_import
from articles.ingest.summary import ImportSummary, ItemError
from articles.ingest.textfile import paragraphs_html
from articles.models import Category, ImportKind, SourceFeed

DEFAULT_TIMEOUT = 15.0
MAX_FEED_BYTES = 5_000_000
MAX_ENTRIES = 200
USER_AGENT = "Newsroom feed reader"

ERROR_SCHEME = gettext_lazy("Only http and https feed addresses can be read.")
ERROR_HTTP = gettext_lazy("The server answered HTTP %(status)s.")
ERROR_UNREACHABLE = gettext_lazy("The feed cannot be reached: %(error)s")
ERROR_TIMEOUT = gettext_lazy("The feed did not answer within %(seconds)s seconds.")
ERROR_FEED_TOO_LARGE = gettext_lazy("The feed is larger than %(limit)d bytes.")
ERROR_NOT_A_FEED = gettext_lazy("This is not a readable RSS or Atom feed: %(error)s")
ERROR_XML_ENTITIES = gettext_lazy(
    "The feed declares XML entities or a DTD, which are refused."
)
ERROR_TOO_MANY_ENTRIES = gettext_lazy(
    "The feed has %(count)d items; only the first %(limit)d were read."
)
ERROR_NO_TITLE = gettext_lazy("The item has no title.")


class FeedError(Exception):
    """A feed that could not be fetched or read as a whole."""

    def __init__(self, message, status: int | None = None):
        super().__init__(str(message))
        self.status = status


@dataclass
class Fetched:
    status: int
    content: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    url: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch_feed(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FEED_BYTES,
) -> Fetched:
    """GET a feed with conditional headers, a time limit and a size limit."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(ERROR_SCHEME)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.8, */*;q=0.1",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(ERROR_FEED_TOO_LARGE % {"limit": max_bytes}, 200)
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return Fetched(
                status=response.status,
                content=b"".join(chunks),
                etag=response.headers.get("ETag", "")[:300],
                last_modified=response.headers.get("Last-Modified", "")[:100],
                content_type=response.headers.get("Content-Type", ""),
                url=response.url,
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(status=304, etag=etag, last_modified=last_modified, url=url)
        raise FeedError(ERROR_HTTP % {"status": error.code}, error.code) from None
    except TimeoutError:
        raise FeedError(ERROR_TIMEOUT % {"seconds": timeout}) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FeedError(ERROR_TIMEOUT % {"seconds": timeout}) from None
        raise FeedError(ERROR_UNREACHABLE % {"error": error.reason}) from None
    except OSError as error:
        raise FeedError(ERROR_UNREACHABLE % {"error": error}) from None


def parse_feed(content: bytes, *, url: str = "", content_type: str = ""):
    """Parse feed bytes with feedparser, refusing entity declarations first."""
    try:
        # A DOCTYPE alone is allowed (old RSS 0.91 feeds carry one); entity
        # declarations and external references are not.
        SafeET.fromstring(content)
    except DefusedXmlException:
        raise FeedError(ERROR_XML_ENTITIES) from None
    except SafeET.ParseError:
        pass  # feedparser reads many feeds that are not well-formed XML
    # No content-location: feedparser would resolve relative GUIDs against the
    # feed's address, and a feed moving house would then bring every item again.
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers)
    if parsed.bozo and not parsed.entries:
        raise FeedError(ERROR_NOT_A_FEED % {"error": parsed.get("bozo_exception")})
    if not parsed.entries and not parsed.feed.get("title"):
        raise FeedError(ERROR_NOT_A_FEED % {"error": "no channel or entries"})
    return parsed


def normalize_url(url: str) -> str:
    """Return url without its fragment and tracking parameters, for deduplication."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_")
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), "")
    )


def _when(entry) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(timegm(stamp), tz=UTC) if stamp else None


def _entry_html(entry) -> tuple[str, str]:
    """Return (body HTML, dek) of an entry: full content if given, else summary."""
    content = entry.get("content") or []
    summary = entry.get("summary", "")
    if content:
        detail = content[0]
        body = detail.get("value", "")
        if detail.get("type") == "text/plain":
            body = paragraphs_html([[p] for p in body.split("\n\n") if p.strip()])
        dek = html_to_text(sanitize_html(summary)) if summary else ""
        if dek and dek == html_to_text(sanitize_html(body)):
            dek = ""
        return sanitize_html(body), dek[:MAX_DEK_CHARS]
    detail = entry.get("summary_detail") or {}
    if detail.get("type") == "text/plain":
        summary = paragraphs_html([[p] for p in summary.split("\n\n") if p.strip()])
    return sanitize_html(summary), ""


def default_category(feed: SourceFeed) -> Category:
    """Return the category for items whose own categories match none of ours."""
    if feed.category_id:
        return feed.category  # type: ignore[return-value]
    return news_category()


def entry_item(entry, *, feed: SourceFeed, where: str, catalog: Catalog) -> StoryItem:
    """Turn one feed entry into a story item credited to the feed's source."""
    title = entry.get("title", "")
    if (entry.get("title_detail") or {}).get("type") == "text/html":
        title = html_to_text(sanitize_html(title))
    if not title.strip():
        raise ItemError(ERROR_NO_TITLE)
    body, dek = _entry_html(entry)
    link = entry.get("link", "")
    guid = entry.get("id", "")
    keys = []
    if guid:
        keys.append((ImportKind.GUID, f"{feed.source_id}:{guid}"))
    if link:
        keys.append((ImportKind.URL, normalize_url(link)))
    if not keys:
        keys.append((ImportKind.GUID, f"{feed.source_id}:title:{title.strip()}"))
    terms = [t.get("term", "") for t in entry.get("tags") or [] if t.get("term")]
    category = next(
        (c for c in map(catalog.find_category, terms) if c is not None), None
    )
    text = f"{title} {html_to_text(body)}"
    return StoryItem(
        where=where,
        headline=title,
        body=body,
        dek=dek,
        language=detect_language(text),
        keys=keys,  # type: ignore[arg-type]
        category=category or default_category(feed),
        source=feed.source,
        original_url=link if urlsplit(link).scheme in ("http", "https") else "",
        tags=[t for t in terms if catalog.find_category(t) is None],
        target=Target.REVIEW,
        published_at=_when(entry),
    )


def feed_ingest(
    *,
    feed: SourceFeed,
    user,
    catalog: Catalog | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress=None,
) -> ImportSummary:
    """Poll one feed and import its new items; record the run on the feed."""
    catalog = catalog or Catalog()
    summary = ImportSummary()
    feed.last_checked_at = timezone.now()
    feed.last_new_items = 0
    try:
        fetched = fetch_feed(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=timeout,
        )
        feed.last_status = fetched.status
        if fetched.not_modified:
            feed.last_error = ""
        else:
            parsed = parse_feed(
                fetched.content, url=fetched.url, content_type=fetched.content_type
            )
            entries = parsed.entries
            if len(entries) > MAX_ENTRIES:
                summary.warn(
                    feed.url,
                    ERROR_TOO_MANY_ENTRIES
                    % {"count": len(entries), "limit": MAX_ENTRIES},
                )
                entries = entries[:MAX_ENTRIES]
            for number, entry in enumerate(entries, 1):
                where = f"{feed.url} #{number}"
                ident = entry.get("id") or entry.get("link")
                if ident:
                    where += f" ({ident})"
                try:
                    item = entry_item(entry, feed=feed, where=where, catalog=catalog)
                except ItemError as error:
                    summary.fail(where, str(error))
                else:
                    summary.add(story_import(item=item, user=user, catalog=catalog))
                if progress is not None:
                    progress.update(1)
            feed.etag = fetched.etag
            feed.last_modified = fetched.last_modified
            feed.last_new_items = summary.created
            feed.last_error = "\n".join(f"{w}: {r}" for w, r in summary.failures)[:2000]
    except FeedError as error:
        feed.last_status = error.status
        feed.last_error = str(error)
        summary.fail(feed.url, str(error))
    feed.save(
        update_fields=[
            "etag",
            "last_modified",
            "last_checked_at",
            "last_status",
            "last_new_items",
            "last_error",
        ]
    )
    return summary
