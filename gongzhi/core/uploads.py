"""Uploads: the one checker for files people send (DESIGN.md convention 16).

A file is known by its first bytes, not by its name; its size and the number sent at once are
limited; a picture is re-encoded, which drops every metadata block — GPS location included — and
turns it upright.

- `clean_photo` / `clean_photos`: pictures only (a case's photos) → `CleanPhoto`.
- `clean_file` / `clean_files`: attachments (PDF, Word, Excel, PowerPoint, JPEG, PNG) → `CleanFile`;
  a JPEG or PNG attachment is cleaned as a photo.
- `FilesField`: the form field for several attachments at once.
Every refusal is a ValidationError in the user's language, naming the file."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from .forms import MultipleFileField

MAX_BYTES = 10 * 1024 * 1024  # per file, photo or attachment
MAX_FILES = 10  # attachments at a time
MAX_PHOTOS = 4  # photos at a time
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560  # photos are scaled down to fit this square

# Photos: the picture formats taken → the extension of the re-encoded file.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Attachments: extension → the first bytes a genuine file of that kind starts with.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png"}  # attachments cleaned as photos
ACCEPT = ",".join(f".{ext}" for ext in SIGNATURES)  # for the file input's `accept`


# --- Photos ----------------------------------------------------------------------------------


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


def _too_large_photo(label: str) -> ValidationError:
    return ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": label, "mb": MAX_BYTES // 2**20})


def clean_photo(upload, name: str = "") -> CleanPhoto:
    """Check one uploaded picture and return it re-encoded; ValidationError in the user's language."""
    label = name or getattr(upload, "name", "") or _("photo")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_large_photo(label)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _too_large_photo(label)
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in PHOTO_FORMATS:
                raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP picture.") % {"name": label})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": label})
            probe.verify()
        data, kind, width, height = _reencode(raw, kind)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s is not a picture we can read.") % {"name": label}) from None
    content_type = f"image/{'jpeg' if kind == 'JPEG' else kind.lower()}"
    return CleanPhoto(data, PHOTO_FORMATS[kind], content_type, width, height)


def _reencode(raw: bytes, kind: str) -> tuple[bytes, str, int, int]:
    """The picture upright, scaled to fit MAX_SIDE and saved afresh (no metadata): data, format, size."""
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
    return out.getvalue(), kind, width, height


def clean_photos(uploads) -> list[CleanPhoto]:
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS})
    return [clean_photo(upload) for upload in uploads]


# --- Attachments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


def clean_file(upload) -> CleanFile:
    """The upload as it will be stored, or a ValidationError saying what is wrong with it."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError(
            _("“%(name)s” cannot be attached: attach PDF, Word, Excel, PowerPoint, JPEG or PNG files.") % {"name": name}
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    content = upload.read()
    if not content.startswith(SIGNATURES[extension]):
        raise ValidationError(_("“%(name)s” is not a genuine .%(ext)s file.") % {"name": name, "ext": extension})
    if extension in PHOTO_EXTENSIONS:
        upload.seek(0)
        photo = clean_photo(upload, name)
        stem = name.rsplit(".", 1)[0]
        return CleanFile(f"{stem}.{photo.extension}", photo.data)
    return CleanFile(name, content)


def clean_files(uploads) -> list[CleanFile]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Attach at most %(count)d files at a time.") % {"count": MAX_FILES})
    return [clean_file(upload) for upload in uploads]


class FilesField(MultipleFileField):
    """Several attachments in one input; the service checks them with clean_files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("accept", ACCEPT)
        kwargs.setdefault("help_text", gettext_lazy("PDF, Word, Excel, PowerPoint, JPEG or PNG; up to 10 MB each."))
        super().__init__(*args, **kwargs)
