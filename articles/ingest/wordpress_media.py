"""Pictures of a WordPress export: featured images and the pictures inside posts."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from articles.core.text import html_to_text
from articles.ingest.catalog import key_for
from articles.ingest.pictures import WARNING_FOREIGN_PICTURE
from articles.ingest.wxr import _UPLOADS, Attachment, Export, _meta, _upload_path
from articles.models import Image, ImportedItem, ImportKind
from articles.workflow.catalog import image_create

WARNING_NO_FILE = gettext_lazy(
    "featured image “%(url)s” is not among the local files; imported without it"
)


WARNING_BAD_IMAGE = gettext_lazy("featured image “%(url)s” refused: %(error)s")


WARNING_INLINE_NO_FILE = gettext_lazy(
    "picture “%(url)s” is not among the local files; left out of the text"
)


WARNING_INLINE_BAD_IMAGE = gettext_lazy(
    "picture “%(url)s” refused (%(error)s); left out of the text"
)


WARNING_INLINE_NOT_IMAGE = gettext_lazy(
    "link to “%(url)s” is not a picture; it still points at the old site"
)


# The smaller copies WordPress cuts from an upload: x.jpg -> x-300x200.jpg.
_SIZE_SUFFIX_RE = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


_TAG_RE = re.compile(r"<(img|a|source)\b([^>]*)>", re.I)


_ATTR_RE = re.compile(
    r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


def _original_path(url: str) -> str:
    """Return the upload path of the full-size file a picture address names."""
    return _SIZE_SUFFIX_RE.sub("", _upload_path(url))


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
    element, export: Export, media_dir: Path | None, where: str, summary, *, user
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
            user=user,
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
    *, key: str, path: Path, alt: str, attachment: Attachment | None, user
) -> Image:
    """Store the picture at path as an Image, checked like every upload, once.

    The file's name (``evil.html``) decides nothing: it is stored under the
    format found inside it, or refused.
    """
    caption = html_to_text(attachment.caption) if attachment else ""
    try:
        with path.open("rb") as handle:
            image = image_create(
                user=user,
                upload=File(handle, name=path.name),
                alt_text=" ".join(alt.split()) or path.stem,
                caption=caption,
                credit=html_to_text(attachment.credit) if attachment else "",
            )
    except OSError as error:
        raise ValidationError(str(error.strerror or error)) from None
    except PermissionDenied as error:
        raise ValidationError(str(error)) from None
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
    rewritten to them. What cannot be moved is left for ``report`` to name once the
    post's text has lost it (articles.ingest.pictures).
    """

    def __init__(self, export: Export, media_dir: Path | None, summary, *, user):
        self.user = user
        self.export = export
        self.media_dir = media_dir.resolve() if media_dir else None
        self.summary = summary
        # Why a picture of the old site could not be brought in, by its upload path.
        self.reasons: dict[str, str] = {}
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
                            out.append(("alt", escape(image.alt_text)))  # type: ignore[arg-type]
                out.append((attribute, value))  # type: ignore[arg-type]
            if not changed:
                return match.group(0)
            return _tag(name, out, closed)  # type: ignore[arg-type]

        return _TAG_RE.sub(replace, body)

    def report(self, where: str, dropped: list[str]) -> None:
        """Warn of each picture left out of the post's text, saying why."""
        for url in dropped:
            reason = self.reasons.get(_original_path(url)) if self.is_old(url) else None
            self.summary.warn(
                where,
                reason or WARNING_FOREIGN_PICTURE % {"url": url},
            )

    def _image(self, url: str, alt: str, where: str, done: dict) -> Image | None:
        relative = _upload_path(url)
        original = _original_path(url)
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
                    user=self.user,
                )
            except ValidationError as error:
                reason = " ".join(error.messages)
                self.reasons[original] = str(
                    WARNING_INLINE_BAD_IMAGE % {"url": url, "error": reason}
                )
                return None
        self.reasons[original] = str(WARNING_INLINE_NO_FILE % {"url": url})
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
