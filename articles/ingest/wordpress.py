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
from articles.ingest.catalog import Catalog, fold_name, news_category
from articles.ingest.items import StoryItem, Target
from articles.ingest.language import detect_language
from articles.ingest.pictures import keep_local_pictures
from articles.ingest.pipeline import story_import
from articles.ingest.summary import ImportSummary, ItemError, ItemResult, Outcome
from articles.ingest.wordpress_media import InlineImages, featured_image
from articles.ingest.wxr import (
    ERROR_TOO_MANY_ITEMS,
    MAX_ITEMS,
    NS,
    Export,
    _date,
    _events,
    _modified,
    _text,
    read_export,
)
from articles.models import ImportKind, Language, Story

REASON_NOT_A_POST = gettext_lazy("not a post (%(type)s)")


REASON_STATUS = gettext_lazy("status “%(status)s” is not imported")


NOTE_PROTECTED = gettext_lazy(
    "This post had a password at the source (%(where)s): only readers who knew it "
    "could read it. It was imported unpublished; publish it only if everyone may "
    "read it."
)


WARNING_PROTECTED = gettext_lazy(
    "protected by a password at the source: imported unpublished, not published"
)


WARNING_PROTECTED_PUBLIC = gettext_lazy(
    "protected by a password at the source, but public here since an earlier "
    "import: withdraw it if not everyone may read it"
)


# WordPress status -> where the story lands. Private posts were never public, so
# they come in as drafts; trash and auto-drafts are left behind.
STATUS_TARGETS = {
    "publish": Target.PUBLISH,
    "future": Target.PUBLISH,
    "pending": Target.REVIEW,
    "draft": Target.DRAFT,
    "private": Target.DRAFT,
}


# Categories some sites use only to say which language a post is in. They name no
# section; the post's language is taken from them. Compared after folding case.
LANGUAGE_CATEGORIES = {
    fold_name(name): code
    for code, names in {
        Language.KAZAKH: [
            "kk", "kz", "kaz", "kk-kz", "kazakh", "qazaqsha", "kazakhsha",
            "қазақша", "қазақ тілі", "қазақ тілінде", "казахский",
            "на казахском", "на казахском языке", "қаз",
        ],
        Language.RUSSIAN: [
            "ru", "rus", "ru-ru", "russian", "oryssha", "русский",
            "на русском", "на русском языке", "орысша", "орыс тілінде", "рус",
        ],
        Language.ENGLISH: [
            "en", "eng", "en-us", "en-gb", "english", "in english", "ағылшынша",
            "ағылшын тілінде", "английский", "на английском", "англ",
        ],
    }.items()
    for name in names
}  # fmt: skip


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


def _language_named(*names: str) -> str:
    """Return the language a category called so marks, or "" for a subject."""
    return next(
        (
            LANGUAGE_CATEGORIES[fold_name(n)]
            for n in names
            if fold_name(n) in LANGUAGE_CATEGORIES
        ),
        "",
    )


def _language_of_term(term, export: Export) -> str:
    """Return the language a post's term marks, itself or through a parent (a site
    arranged as Қазақша > Экономика), or "" when it marks none."""
    nicename = unquote(term.get("nicename", ""))
    if term.get("domain") == "language":  # Polylang's own taxonomy
        code = nicename[:2].lower()
        return code if code in Language.values else ""
    if term.get("domain") != "category":
        return ""
    for above in [nicename, *reversed(_ancestors(nicename, export))]:
        found = export.categories.get(above)
        code = _language_named(above, found.name if found else term.text or "")
        if code:
            return code
    return ""


def _ancestors(nicename: str, export: Export) -> list[str]:
    """Return the nicenames above a category, the outermost first."""
    chain: list[str] = []
    seen = {nicename}
    term = export.categories.get(nicename)
    while term is not None and term.parent and term.parent not in seen:
        seen.add(term.parent)
        chain.insert(0, term.parent)
        term = export.categories.get(term.parent)
    return chain


def _sections(element, export: Export) -> tuple[list[tuple[str, str]], str]:
    """Return the post's categories as (name, nicename) and the language they mark.

    The most specific category comes first (it becomes the story's section); a
    category that marks only a language is left out.
    """
    categories, language = [], ""
    for term in element.findall("category"):
        name = " ".join((term.text or "").split())
        if not name:
            continue
        nicename = unquote(term.get("nicename", ""))
        language = language or _language_of_term(term, export)
        if term.get("domain") == "category" and not _language_named(name, nicename):
            categories.append((name, nicename))
    depth = {nicename: len(_ancestors(nicename, export)) for _n, nicename in categories}
    categories.sort(key=lambda c: -depth[c[1]])  # stable: ties keep their order
    return categories, language


def _parents(nicename: str, export: Export) -> list[tuple[str, str]]:
    """Return the sections above a category; one marking a language is none."""
    return [
        (export.categories[n].name or n, n)
        for n in _ancestors(nicename, export)
        if n in export.categories and not _language_named(n, export.categories[n].name)
    ]


def post_item(element, export: Export, images: InlineImages | None = None) -> StoryItem:
    """Turn one WXR post into a story item, its pictures moved over by images."""
    wp = export.ns
    post_id = _text(element, f"{wp}post_id")
    status = _text(element, f"{wp}status")
    title = _text(element, "title")
    where = post_where(element, export)
    body = wp_autop(_text(element, f"{{{NS['content']}}}encoded"))
    if images is None:
        body = sanitize_html(body)
    else:
        # What could not be brought in goes, with the reason (else the pipeline
        # still drops it, saying only that it is on another site).
        body, dropped = keep_local_pictures(sanitize_html(images.rewrite(body, where)))
        images.report(where, dropped)
    excerpt = ""
    for child in element:
        if child.tag.endswith("}encoded") and "excerpt" in child.tag:
            excerpt = html_to_text(sanitize_html(child.text or ""))
    categories, marked_language = _sections(element, export)
    section = categories[0] if categories else None
    parents = _parents(section[1], export) if section else []
    above = {nicename for _name, nicename in parents}
    tags = [
        " ".join((term.text or "").split())
        for term in element.findall("category")
        if term.get("domain") == "post_tag" and (term.text or "").strip()
    ]
    tags += [name for name, nicename in categories[1:] if nicename not in above]
    login = _text(element, f"{{{NS['dc']}}}creator")
    authors = [export.authors.get(login, login)] if login else []
    link = _text(element, "link")
    published = status in ("publish", "future")
    target = STATUS_TARGETS[status]
    note = ""
    if _text(element, f"{wp}post_password"):
        # A subscriber-only piece: never public without a person deciding so.
        target = Target.DRAFT if target is Target.DRAFT else Target.REVIEW
        note = str(NOTE_PROTECTED % {"where": link or where})
    return StoryItem(
        where=where,
        headline=title,
        body=body,
        dek=excerpt,
        language=marked_language or detect_language(f"{title} {html_to_text(body)}"),
        keys=[(ImportKind.WORDPRESS, f"{export.base_url}/?p={post_id}")],
        wordpress_id=int(post_id) if post_id.isascii() and post_id.isdigit() else None,
        category=None if section else news_category(),
        category_name=section[0] if section else "",
        category_slug=section[1] if section else "",
        category_parents=parents,
        slug_hint=unquote(_text(element, f"{wp}post_name")) or title,
        tags=tags,
        authors=authors,
        published_at=_date(element, wp),
        modified_at=_modified(element, wp),
        target=target,
        note=note,
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
            if element.tag != "item":  # type: ignore[attr-defined]
                continue
            count += 1
            if count > MAX_ITEMS:
                summary.fail(str(path), ERROR_TOO_MANY_ITEMS % {"limit": MAX_ITEMS})
                break
            _post(element, export, wp, user, media_dir, catalog, summary)
            element.clear()  # type: ignore[attr-defined]
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
        if result.discard:
            transaction.set_rollback(True)
            catalog.forget()
            return
    if _text(element, f"{wp}post_password") and result.story_id:
        public = Story.objects.filter(pk=result.story_id).published().exists()
        if public:
            summary.warn(item.where, WARNING_PROTECTED_PUBLIC)
        elif result.outcome is not Outcome.SKIPPED:
            summary.warn(item.where, WARNING_PROTECTED)
