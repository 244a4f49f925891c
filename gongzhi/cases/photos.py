"""Photos residents attach to cases: checked (type, size, pixel count) and re-encoded, which
drops every metadata block — GPS location included — and turns the picture upright."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 4
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean_photo(upload, name: str = "") -> CleanPhoto:
    """Check one uploaded file and return it re-encoded; ValidationError in the user's language."""
    label = name or getattr(upload, "name", "") or _("photo")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": label, "mb": MAX_BYTES // 2**20})
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": label, "mb": MAX_BYTES // 2**20})
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in ACCEPTED:
                raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP picture.") % {"name": label})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": label})
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if kind == "JPEG" or image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGB")
                image.save(out, "JPEG", quality=85, optimize=True)
                kind = "JPEG"
            else:
                image.save(out, kind)
            width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s is not a picture we can read.") % {"name": label}) from None
    return CleanPhoto(
        out.getvalue(), ACCEPTED[kind], f"image/{'jpeg' if kind == 'JPEG' else kind.lower()}", width, height
    )


def clean_photos(uploads) -> list[CleanPhoto]:
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS})
    return [clean_photo(upload) for upload in uploads]
