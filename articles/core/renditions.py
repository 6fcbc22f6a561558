"""
Resized copies of pictures for the public site.

Each picture gets a JPEG and a WebP copy in a few widths, made with Pillow when the
picture is stored (never while a reader waits) and kept as Rendition rows; pages
then serve them through ``srcset`` so a phone never downloads the full upload.

They are stored under a random folder name (``renditions/<24 hex digits>/640.jpg``):
the picture of a draft is not at an address anyone can guess from its number.
"""

import io
import logging
import re
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image as PILImage
from PIL import ImageOps

from articles.models import Image, Rendition

log = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280)
PRIVATE_NAME = re.compile(r"^renditions/[0-9a-f]{24}/[^/]+$")
# Pillow shrinks by whole factors first while the picture is this many times
# larger than wanted, then resamples: much faster, no visible difference.
REDUCING_GAP = 3.0
QUALITY = {Rendition.Format.JPEG: 82, Rendition.Format.WEBP: 78}


def target_widths(original_width: int) -> list[int]:
    """Return the widths worth making for a picture this wide (never upscaled)."""
    widths = [w for w in WIDTHS if w < original_width]
    if original_width <= WIDTHS[-1]:
        widths.append(original_width)
    return widths or [original_width]


def _encode(picture: PILImage.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == Rendition.Format.JPEG:
        picture.convert("RGB").save(
            out,
            "JPEG",
            quality=QUALITY[Rendition.Format(fmt)],
            optimize=True,
            progressive=True,
        )
    else:
        picture.save(out, "WEBP", quality=QUALITY[Rendition.Format(fmt)], method=4)
    return out.getvalue()


def has_private_name(rendition: Rendition) -> bool:
    """Return whether the rendition is stored at an address nobody can guess."""
    return bool(PRIVATE_NAME.match(rendition.file.name or ""))


def delete_renditions(
    image: Image, renditions: Iterable[Rendition] | None = None
) -> None:
    """Delete renditions of image (all by default), their files included."""
    for rendition in list(image.renditions.all() if renditions is None else renditions):
        rendition.file.delete(save=False)
        rendition.delete()
    getattr(image, "_prefetched_objects_cache", {}).pop("renditions", None)
    image.__dict__.pop("rendition_list", None)


def make_renditions(image: Image) -> list[Rendition]:
    """Make the missing renditions of image and return them all, widest last.

    Called when a picture is stored or its file replaced, and by the
    ``make_renditions`` command; never from a page a reader is waiting for.
    """
    existing = {(r.width, r.format): r for r in image.renditions.all()}
    folder = secrets.token_hex(12)
    wanted = [
        (width, fmt)
        for width in target_widths(image.width)
        for fmt in Rendition.Format.values
    ]
    missing = [key for key in wanted if key not in existing]
    if missing:
        try:
            with image.file.open("rb") as handle:
                original: PILImage.Image = PILImage.open(handle)
                original.load()
        except (OSError, ValueError):
            log.warning("Image %s cannot be read for renditions", image.pk)
            return sorted(existing.values(), key=lambda r: r.width)
        original = ImageOps.exif_transpose(original)
        if original.mode not in ("RGB", "RGBA"):
            original = original.convert("RGBA" if "A" in original.mode else "RGB")
        resized = {}
        source = original
        # Widest first, each from the one before: a 36-megapixel picture is
        # decoded once and shrunk once at full size, not once per width.
        for width in sorted({w for w, _fmt in missing}, reverse=True):
            height = max(1, round(original.height * width / original.width))
            if width != original.width:
                source = source.resize(
                    (width, height),
                    PILImage.Resampling.LANCZOS,
                    reducing_gap=REDUCING_GAP,
                )
            resized[width] = source
        for width, fmt in missing:
            height = resized[width].height
            rendition = Rendition(image=image, width=width, height=height, format=fmt)
            rendition.file.save(
                f"{folder}/{width}.{'jpg' if fmt == 'jpeg' else 'webp'}",
                ContentFile(_encode(resized[width], fmt)),
                save=False,
            )
            try:
                with transaction.atomic():
                    rendition.save()
            except IntegrityError:
                # Another request made the same one a moment ago; use theirs.
                rendition.file.delete(save=False)
                rendition = Rendition.objects.get(image=image, width=width, format=fmt)
            existing[(width, fmt)] = rendition
    return sorted(existing.values(), key=lambda r: r.width)


def srcset(renditions: Iterable[Rendition], fmt: str) -> str:
    """Return a srcset attribute value for the renditions of one format."""
    return ", ".join(
        f"{r.file.url} {r.width}w"
        for r in sorted(renditions, key=lambda r: r.width)
        if r.format == fmt
    )
