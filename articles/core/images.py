"""Checking and cleaning uploaded pictures before anything is stored.

Every way a picture comes in (the admin's picture form, the story editor's upload,
the importers, the demo) passes ``check_image``: the stored file is named after
the format Pillow found inside it, never after the name it came with, so a GIF
called ``report.html`` is stored and served as ``.gif``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ERROR_TOO_LARGE = _("The file is %(size)s; pictures may be at most %(limit)s.")
ERROR_NOT_IMAGE = _(
    "This file is not a picture Newsroom can read. Upload a JPEG, PNG, WebP or GIF."
)
ERROR_FORMAT = _(
    "%(format)s pictures are not accepted. Upload a JPEG, PNG, WebP or GIF."
)
ERROR_BROKEN = _("The picture is damaged or incomplete. Export it again and re-upload.")
ERROR_TOO_MANY_PIXELS = _(
    "The picture is %(width)s×%(height)s pixels; "
    "at most %(limit)s megapixels are allowed."
)
ERROR_TOO_SMALL = _("The picture is too small: at least %(min)s pixels on each side.")
ERROR_EMPTY = _("The file is empty.")

# The suffix each accepted format is stored under, and the type it is served as.
FORMAT_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}

EXIF_GPS_TAG = 0x8825
EXIF_ORIENTATION_TAG = 0x0112


def media_type(name: str) -> str | None:
    """Return the type a stored file is served as: a picture's, or None."""
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower())


class CheckedUpload(SimpleUploadedFile):
    """The bytes of a picture check_image accepted, named after its real format."""


@dataclass
class CheckedImage:
    """A validated picture, ready to be stored."""

    content: CheckedUpload
    width: int
    height: int
    format: str


def _open_checked(data: bytes) -> PILImage.Image:
    max_pixels = settings.IMAGE_MAX_PIXELS
    # Pillow itself refuses anything past twice MAX_IMAGE_PIXELS; we refuse earlier
    # by reading the header size before decoding a single pixel.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    ERROR_TOO_MANY_PIXELS,
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": max_pixels // 1_000_000,
                    },
                )
            if (
                image.format not in settings.IMAGE_ALLOWED_FORMATS
                or image.format not in FORMAT_SUFFIXES
            ):
                raise ValidationError(
                    ERROR_FORMAT, code="format", params={"format": image.format}
                )
            image.verify()
            # verify() leaves the image unusable; open again and decode fully.
            image = PILImage.open(io.BytesIO(data))
            image.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            ERROR_TOO_MANY_PIXELS,
            code="too_many_pixels",
            params={"width": "?", "height": "?", "limit": max_pixels // 1_000_000},
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(ERROR_NOT_IMAGE, code="not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(ERROR_BROKEN, code="broken") from None
    return image


def check_image(upload: File[Any]) -> CheckedImage:
    """Validate an uploaded picture and return it with location data removed.

    Raise ValidationError with a message a journalist can act on.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            ERROR_TOO_LARGE,
            code="too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    upload.seek(0)
    data = upload.read(settings.IMAGE_MAX_BYTES + 1)
    upload.seek(0)
    if not data:
        raise ValidationError(ERROR_EMPTY, code="empty")
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            ERROR_TOO_LARGE,
            code="too_large",
            params={
                "size": filesizeformat(len(data)),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    image = _open_checked(data)
    fmt = image.format or ""  # _open_checked let through only allowed formats
    if min(image.size) < settings.IMAGE_MIN_SIDE:
        raise ValidationError(
            ERROR_TOO_SMALL, code="too_small", params={"min": settings.IMAGE_MIN_SIDE}
        )
    content, image = _without_location(image, data, fmt)
    return CheckedImage(
        content=CheckedUpload(
            stored_name(getattr(upload, "name", ""), fmt),
            content,
            content_type=PILImage.MIME[fmt],
        ),
        width=image.width,
        height=image.height,
        format=fmt,
    )


def stored_name(name: str, fmt: str) -> str:
    """Return the name a picture is stored under: its stem, the format's suffix.

    Every suffix of the name goes (a GIF sent as ``report.png.html`` is stored as
    ``report.gif``), so nothing the uploader wrote decides how it is served.
    """
    stem = PurePosixPath((name or "").replace("\\", "/")).name.split(".")[0]
    return f"{stem or 'image'}{FORMAT_SUFFIXES[fmt]}"


def _without_location(
    image: PILImage.Image, data: bytes, fmt: str
) -> tuple[bytes, PILImage.Image]:
    """Return the file's bytes with GPS data gone and orientation applied."""
    exif = image.getexif()
    if EXIF_GPS_TAG not in exif and EXIF_ORIENTATION_TAG not in exif:
        return data, image
    rotated = ImageOps.exif_transpose(image)
    exif = rotated.getexif()
    exif.pop(EXIF_GPS_TAG, None)
    exif.pop(EXIF_ORIENTATION_TAG, None)
    out = io.BytesIO()
    options: dict[str, Any] = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        options.update(quality=92, optimize=True)
        rotated = (
            rotated.convert("RGB") if rotated.mode not in ("RGB", "L") else rotated
        )
    rotated.save(out, format=fmt, **options)
    return out.getvalue(), rotated
