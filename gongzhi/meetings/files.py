"""Attachments of agenda items and evidence of resolutions: which files are taken, checked by
their first bytes, not by their names; photos lose their location metadata (as in cases)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10

# extension → the first bytes a genuine file of that kind starts with
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
PHOTOS = {"jpg", "jpeg", "png"}


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
    if extension in PHOTOS:
        from gongzhi.cases.photos import clean_photo

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
