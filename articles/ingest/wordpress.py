"""WordPress WXR exports: posts with their status, terms, authors, dates and pictures.

The export is read twice as a stream with defusedxml (no DTD, no entities): first
for its authors and attachments, then for its posts, so memory stays flat however
large the archive.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils.translation import gettext_lazy

from articles.core.text import html_to_text, sanitize_html
from articles.ingest.catalog import Catalog
from articles.ingest.language import detect_language
from articles.ingest.pipeline import StoryItem, Target, story_import
from articles.ingest.summary import ImportSummary, ItemError, ItemResult, Outcome
from articles.ingest.wordpress_media import InlineImages, featured_image
from articles.ingest.wxr import (
    ERROR_TOO_MANY_ITEMS,
    MAX_ITEMS,
    NS,
    Export,
    _date,
    _events,
    _text,
    read_export,
)
from articles.models import ImportKind

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
        images = InlineImages(export, media_dir, summary, user=user)
        try:
            item = post_item(element, export, images)
        except ItemError as error:
            summary.fail(where, str(error))
            transaction.set_rollback(True)
            return
        item.hero_image = featured_image(
            element, export, media_dir, item.where, summary, user=user
        )
        result = summary.add(story_import(item=item, user=user, catalog=catalog))
        if result.outcome is Outcome.FAILED:
            transaction.set_rollback(True)
