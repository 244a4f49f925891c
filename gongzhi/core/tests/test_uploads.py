"""The one upload checker (gongzhi.core.uploads): files are known by their first bytes, sizes and
counts are limited, and pictures are re-encoded without their metadata (GPS location included)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from gongzhi.core import uploads

from .files import jpeg_with_gps

PDF = b"%PDF-1.4\n%fake but well-started\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def png(name="leak.png", size=(40, 30), mode="RGB") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- photos ----------------------------------------------------------------------------------


def test_a_photo_loses_its_location_data_and_keeps_its_size():
    photo = uploads.clean_photo(jpeg_with_gps())
    assert photo.extension == "jpg" and photo.content_type == "image/jpeg"
    assert (photo.width, photo.height) == (64, 48)
    assert b"Exif" not in photo.data and b"GPS" not in photo.data
    assert not Image.open(io.BytesIO(photo.data)).getexif()
    assert len(photo.sha256) == 64


def test_a_png_stays_a_png_and_a_large_picture_is_scaled_down(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SIDE", 20)
    photo = uploads.clean_photo(png(size=(80, 40)))
    assert photo.extension == "png" and photo.content_type == "image/png"
    assert (photo.width, photo.height) == (20, 10)


def test_a_text_file_named_jpg_is_refused_by_its_content():
    with pytest.raises(ValidationError, match="fake.jpg is not a picture we can read"):
        uploads.clean_photo(SimpleUploadedFile("fake.jpg", b"just some text", content_type="image/jpeg"))


def test_a_picture_of_another_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP picture"):
        uploads.clean_photo(SimpleUploadedFile("a.gif", out.getvalue()))


def test_an_oversized_photo_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 200)
    with pytest.raises(ValidationError, match="big.jpg is larger than"):
        uploads.clean_photo(jpeg_with_gps("big.jpg"))


def test_a_photo_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 3_000_000)  # a JPEG's limit
    monkeypatch.setattr(uploads, "MAX_DECODED_PIXELS", 1_000_000)  # a PNG's (decoded whole)
    uploads.clean_photo(png(size=(1000, 1000)))
    with pytest.raises(ValidationError, match="too many pixels: pictures of at most 1 megapixels"):
        uploads.clean_photo(png(size=(1001, 1000)))
    monkeypatch.setattr(uploads, "MAX_PIXELS", 3000)
    with pytest.raises(ValidationError, match="photo.jpg has too many pixels: pictures of at most 0 megapixels"):
        uploads.clean_photo(jpeg_with_gps())  # 64 × 48


def test_an_upright_photo_stays_upright_when_scaled(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SIDE", 32)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    Image.new("RGB", (64, 48)).save(out, "JPEG", exif=exif)
    photo = uploads.clean_photo(SimpleUploadedFile("turned.jpg", out.getvalue()))
    assert (photo.width, photo.height) == (24, 32)


def test_at_most_four_photos_at_a_time():
    assert len(uploads.clean_photos([png(f"{i}.png") for i in range(4)])) == 4
    with pytest.raises(ValidationError, match="at most 4 photos"):
        uploads.clean_photos([png(f"{i}.png") for i in range(5)])


# --- attachments -----------------------------------------------------------------------------


def test_a_genuine_pdf_is_kept_as_it_is():
    clean = uploads.clean_file(SimpleUploadedFile("C:\\docs\\方案.pdf", PDF))
    assert clean.name == "方案.pdf" and clean.content == PDF and clean.size == len(PDF)


def test_a_file_that_is_not_what_its_name_says_is_refused():
    with pytest.raises(ValidationError, match="is not a genuine .pdf file"):
        uploads.clean_file(SimpleUploadedFile("报价.pdf", b"MZ\x90\x00 not a pdf"))


def test_a_file_of_a_kind_not_taken_is_refused():
    with pytest.raises(ValidationError, match="cannot be attached"):
        uploads.clean_file(SimpleUploadedFile("run.exe", b"MZ\x90\x00"))


def test_an_attachment_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than 0 MB"):
        uploads.clean_file(SimpleUploadedFile("方案.pdf", PDF))


def test_a_photo_attachment_is_cleaned_as_a_photo():
    clean = uploads.clean_file(jpeg_with_gps("现场.jpeg"))
    assert clean.name == "现场.jpg"
    assert b"GPS" not in clean.content and Image.open(io.BytesIO(clean.content)).format == "JPEG"


def test_at_most_ten_attachments_at_a_time():
    assert uploads.clean_files(None) == []
    with pytest.raises(ValidationError, match="at most 10 files"):
        uploads.clean_files([SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(11)])


def test_the_files_field_takes_several_files_and_offers_the_kinds_taken():
    field = uploads.FilesField(label="Materials")
    assert field.widget.attrs["accept"] == uploads.ACCEPT and ".pdf" in uploads.ACCEPT
    assert not field.required and "10 MB" in str(field.help_text)
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]
    assert field.clean(files) == files
    assert field.clean(None) == []
