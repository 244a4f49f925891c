"""Uploads: the one checker for files people send (DESIGN.md convention 16).

A file is known by its first bytes, not by its name; its size and the number sent at once are
limited; a picture is re-encoded, which drops every metadata block — GPS location included — and
turns it upright.

Nothing sent can make the server (or the office's Excel) unpack far more than was sent:
- a picture's size is read from its header and one with too many pixels is refused before any
  pixel is decoded: a JPEG of more than MAX_PIXELS, a PNG or WebP of more than MAX_DECODED_PIXELS
  (these are decoded whole). A JPEG is decoded at a reduced scale (1/2, 1/4, 1/8: `draft`), the
  smallest still as large as the stored picture, and small enough that at most MAX_DECODED_PIXELS
  are decoded — so a camera photo is never held in memory at full size;
- an Office file (.docx, .xlsx, .pptx: zip archives) is refused when its parts declare more than
  MAX_UNPACKED_BYTES in all, when one part would unpack to more than MAX_RATIO times its packed
  size (a "zip bomb"), or when it has more than MAX_PARTS parts. Python's zipfile (and so
  openpyxl) never unpacks more than a part declares. `unpacked_problem` is shared with the
  spreadsheet import.

- `clean_photo` / `clean_photos`: pictures only (a case's photos) → `CleanPhoto`.
- `clean_file` / `clean_files`: attachments (PDF, Word, Excel, PowerPoint, JPEG, PNG) → `CleanFile`;
  a JPEG or PNG attachment is cleaned as a photo.
- `FilesField`: the form field for several attachments at once.
Every refusal is a ValidationError in the user's language, naming the file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from .forms import MultipleFileField

MAX_BYTES = 10 * 1024 * 1024  # per file, photo or attachment
MAX_FILES = 10  # attachments at a time
MAX_PHOTOS = 4  # photos at a time
MAX_PIXELS = 24_000_000  # a JPEG's size, read from its header before anything is decoded
MAX_DECODED_PIXELS = 12_000_000  # never more decoded at once: the cap of a PNG or WebP (decoded whole)
MAX_SIDE = 2560  # photos are scaled down to fit this square

# Office files are zip archives: what their parts may declare once unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all parts together
MAX_RATIO = 100  # a part's unpacked size ÷ its packed size (real documents: about 5 to 20)
RATIO_FROM_BYTES = 1024 * 1024  # the ratio is checked for parts larger than this
MAX_PARTS = 10_000
ZIP_EXTENSIONS = {"docx", "xlsx", "pptx"}

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


def _too_many_pixels(label: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(name)s has too many pixels: pictures of at most %(mp)s megapixels are taken.")
        % {"name": label, "mp": limit // 1_000_000}
    )


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
            limit = MAX_PIXELS if kind == "JPEG" else MAX_DECODED_PIXELS
            if probe.width * probe.height > limit:  # from the header: nothing decoded yet
                raise _too_many_pixels(label, limit)
            probe.verify()
        data, kind, width, height = _reencode(raw, kind)
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own check, when opening a huge picture
        raise _too_many_pixels(label, MAX_DECODED_PIXELS) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(_("%(name)s is not a picture we can read.") % {"name": label}) from None
    content_type = f"image/{'jpeg' if kind == 'JPEG' else kind.lower()}"
    return CleanPhoto(data, PHOTO_FORMATS[kind], content_type, width, height)


def _fit(size: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down (never up) to fit MAX_SIDE × MAX_SIDE, keeping its proportions."""
    width, height = size
    scale = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _jpeg_scale(size: tuple[int, int]) -> int:
    """1, 2, 4 or 8: the largest scale-down still at least as large as the stored picture, or a
    larger one if the picture would otherwise have more than MAX_DECODED_PIXELS decoded."""
    width, height = size
    fit_width, fit_height = _fit(size)
    scale = max(s for s in (1, 2, 4, 8) if s <= max(1, min(width // fit_width, height // fit_height)))
    while scale < 8 and (width // scale) * (height // scale) > MAX_DECODED_PIXELS:
        scale *= 2
    return scale


def _reencode(raw: bytes, kind: str) -> tuple[bytes, str, int, int]:
    """The picture upright, scaled to fit MAX_SIDE and saved afresh (no metadata): data, format, size.
    A JPEG is decoded at a reduced scale (`draft`); the picture is scaled down before it is turned
    upright, so no full-size copy is made."""
    with Image.open(io.BytesIO(raw)) as image:
        if kind == "JPEG":
            scale = _jpeg_scale(image.size)
            if scale > 1:
                image.draft(None, (image.width // scale, image.height // scale))
        image.thumbnail((MAX_SIDE, MAX_SIDE))  # decodes, scales down in place
        ImageOps.exif_transpose(image, in_place=True)  # it fits the square either way round
        out = io.BytesIO()
        if kind == "JPEG" or image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            if image.mode != "RGB":
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
    if extension in ZIP_EXTENSIONS:
        _check_office_file(content, name, extension)
    if extension in PHOTO_EXTENSIONS:
        upload.seek(0)
        photo = clean_photo(upload, name)
        stem = name.rsplit(".", 1)[0]
        return CleanFile(f"{stem}.{photo.extension}", photo.data)
    return CleanFile(name, content)


def unpacked_problem(archive: zipfile.ZipFile, max_unpacked: int | None = None) -> str | None:
    """What is wrong with a zip archive's declared sizes, before anything is unpacked: "parts" (too
    many), "ratio" (a part unpacks to more than MAX_RATIO times its packed size) or "size" (more
    than `max_unpacked`, default MAX_UNPACKED_BYTES, in all); None if nothing is."""
    limit = MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        return "parts"
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            return "ratio"
    return "size" if total > limit else None


def _check_office_file(content: bytes, name: str, extension: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = unpacked_problem(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ValidationError(
            _("“%(name)s” is not a genuine .%(ext)s file.") % {"name": name, "ext": extension}
        ) from None
    if problem == "size":
        raise ValidationError(
            _("“%(name)s” is too large once unpacked (more than %(mb)d MB); split it into smaller files.")
            % {"name": name, "mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    if problem:
        raise ValidationError(
            _(
                "“%(name)s” cannot be attached: it unpacks to far more than its own size, which a normal "
                "document never does. Save it again in Word, Excel or WPS and attach the new copy."
            )
            % {"name": name}
        )


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
