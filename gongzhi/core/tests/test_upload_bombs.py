"""Uploads that would unpack to far more than was sent are refused before they are unpacked, with
a clear message, and the server's memory stays bounded: a 30,000 × 30,000 PNG (a few hundred KB
that decode to 900 MB), a 36-megapixel PNG, and Office files ("zip bombs") whose parts declare
more than 1 GiB — at the spreadsheet import and as meeting material, progress evidence, notice
attachment and annual-report attachment. A large camera photo is still taken, decoded at a
reduced scale (a PNG or WebP, decoded whole, is taken up to 12 MP). The memory is measured in a fresh Python process: how far its peak resident size
(Linux's VmHWM, reset just before) rises above what it used before the upload was checked."""

import io
import json
import os
import random
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from gongzhi.core import uploads

ROOT = Path(__file__).resolve().parents[3]
MiB = 1024 * 1024
GiB = 1024 * MiB


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- Files built without ever holding their unpacked size in memory ---------------------------


def png_bomb(width: int, height: int, *, colour_type: int = 0, bit_depth: int = 8) -> bytes:
    """A PNG of `width` × `height` black pixels: its IDAT compressed row by row, so building it
    holds one row and the compressed stream only."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = bytes(1 + (width * channels * bit_depth + 7) // 8)  # filter byte "none", then the pixels
    compressor = zlib.compressobj(9)
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b"")


def office_bomb(unpacked: int) -> bytes:
    """A genuine workbook (it opens in Excel) plus a part of `unpacked` bytes of spaces, deflated
    as it is written (about 1 KB for each MB)."""
    book = openpyxl.Workbook()
    book.active.title = "房屋"
    book.active.append(["小区编码", "楼栋号", "房号"])
    out = io.BytesIO()
    book.save(out)
    block = b" " * MiB
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as part:
            for _ in range(unpacked // MiB):
                part.write(block)
    return out.getvalue()


@pytest.fixture(scope="module")
def bombs() -> dict[int, bytes]:
    return {}


def bomb(bombs, unpacked: int = GiB + MiB) -> bytes:
    if unpacked not in bombs:
        bombs[unpacked] = office_bomb(unpacked)
    return bombs[unpacked]


def test_the_bombs_are_what_they_claim(bombs):
    content = bomb(bombs)
    assert len(content) < 3 * MiB
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > GiB
        assert "xl/workbook.xml" in archive.namelist()
    picture = png_bomb(30_000, 30_000, bit_depth=1)
    assert len(picture) < MiB and struct.unpack(">II", picture[16:24]) == (30_000, 30_000)
    with pytest.raises(Image.DecompressionBombError):  # what Pillow itself thinks of it
        Image.open(io.BytesIO(picture))


# --- Pictures: refused from the header; a large photo decoded at a reduced scale -------------

MEASURE = """
import json, sys
import django
from django.conf import settings
settings.configure(USE_I18N=False)
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from gongzhi.core import uploads
from gongzhi.core.tests.files import jpeg_with_gps

uploads.clean_photo(jpeg_with_gps())  # warm up: every module and decoder loaded
data = open(sys.argv[1], "rb").read()
upload = SimpleUploadedFile(sys.argv[2], data)


def kib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak (VmHWM) starts again from the memory in use now
before = kib("VmRSS")
try:
    photo = uploads.clean_photo(upload)
    outcome = f"taken {photo.width}x{photo.height}"
except ValidationError as error:
    outcome = " ".join(error.messages)
print(json.dumps({"outcome": outcome, "grew_mib": (kib("VmHWM") - before) / 1024}))
"""


def measure(path: Path, name: str) -> dict:
    """clean_photo of the file in a fresh process: its outcome, and how far the peak memory grew."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - this interpreter, this script
        [sys.executable, "-c", MEASURE, str(path), name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "size, options",
    [
        ((30_000, 30_000), {"bit_depth": 1}),  # 110 KB, 900 million pixels
        ((6_000, 6_000), {"colour_type": 6}),  # 36 MP RGBA: 144 MB decoded, under the old 40 MP cap
        ((4_000, 3_500), {"colour_type": 2}),  # 14 MP: a PNG is decoded whole, so at most 12 MP
    ],
    ids=["30000x30000", "6000x6000-rgba", "4000x3500-rgb"],
)
def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(size, options, tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png_bomb(*size, **options))
    assert path.stat().st_size < uploads.MAX_BYTES
    result = measure(path, "huge.png")
    assert result["outcome"] == "huge.png has too many pixels: pictures of at most 12 megapixels are taken."
    assert result["grew_mib"] < 16, result


@pytest.mark.parametrize(
    "size, stored",
    [
        ((6000, 4000), "2560x1707"),  # 24 MP: 92 MB decoded in full; decoded at half size (6 MP)
        ((4032, 3024), "2016x1512"),  # a phone's 12.2 MP: decoded at half size, and kept so
    ],
)
def test_a_large_photo_is_taken_and_decoded_at_a_reduced_scale(size, stored, tmp_path):
    path = tmp_path / "camera.jpg"
    with Image.new("RGB", size, (90, 140, 200)) as picture:
        picture.save(path, "JPEG", quality=80)
    result = measure(path, "camera.jpg")
    assert result["outcome"] == f"taken {stored}"
    assert result["grew_mib"] < 80, result  # decoded in full and copied: over 200 MB


# --- Office files: the declared unpacked sizes are checked before anything is unpacked --------


def test_the_declared_sizes_decide():
    def archive(*parts: tuple[int, int]):
        """An archive as unpacked_problem reads it: only its parts' declared sizes."""
        infos = []
        for number, (packed, unpacked) in enumerate(parts):
            info = zipfile.ZipInfo(f"part{number}.xml")
            info.compress_size, info.file_size = packed, unpacked
            infos.append(info)
        return SimpleNamespace(infolist=lambda: infos)

    assert uploads.unpacked_problem(archive((MiB, 20 * MiB), (10, 900))) is None  # 20×, and a small part
    assert uploads.unpacked_problem(archive((MiB, 101 * MiB))) == "ratio"
    assert uploads.unpacked_problem(archive((MiB, 60 * MiB), (MiB, 60 * MiB))) is None
    assert uploads.unpacked_problem(archive(*[(MiB, 60 * MiB)] * 4)) == "size"
    assert uploads.unpacked_problem(archive(*[(MiB, 60 * MiB)] * 4), 300 * MiB) is None


def test_a_real_office_file_is_still_taken():
    book = openpyxl.Workbook()
    for n in range(2000):
        book.active.append(["xc1", f"{n % 30}号楼", f"{n:04d}", 88.5])
    out = io.BytesIO()
    book.save(out)
    clean = uploads.clean_file(SimpleUploadedFile("住户名单.xlsx", out.getvalue()))
    assert clean.content == out.getvalue()


@pytest.mark.parametrize("name", ["预算.xlsx", "方案.docx", "汇报.pptx"])
def test_an_office_zip_bomb_is_refused_as_an_attachment(name, bombs):
    with pytest.raises(ValidationError) as refused:
        uploads.clean_files([SimpleUploadedFile(name, bomb(bombs))])
    assert f"“{name}” cannot be attached: it unpacks to far more than its own size" in refused.value.messages[0]
    # Within the ratio but too much in all: the other message.
    with pytest.raises(ValidationError, match=r"is too large once unpacked \(more than 200 MB\)"):
        uploads.clean_file(SimpleUploadedFile(name, spread_bomb(bombs)))


def spread_bomb(bombs) -> bytes:
    """250 parts of 1 MiB, each packed about 60 times (within the ratio): 250 MiB in all from 5 MB."""
    if "spread" not in bombs:
        noise = random.Random(0).randbytes(8 * 1024).hex().encode()  # 16 KB that pack to about 8 KB
        text = noise + b" " * (MiB - len(noise))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number in range(250):
                archive.writestr(f"xl/worksheets/sheet{number}.xml", text)
            assert all(1 < i.file_size / i.compress_size < uploads.MAX_RATIO for i in archive.infolist())
        bombs["spread"] = out.getvalue()
        assert len(bombs["spread"]) < uploads.MAX_BYTES
    return bombs["spread"]


@pytest.mark.django_db
@pytest.mark.frozen("2026-11-27 10:00")
@pytest.mark.parametrize("where", ["meeting material", "progress evidence", "notice attachment", "annual report"])
def test_a_zip_bomb_is_refused_wherever_files_are_attached(where, world, bombs):
    from gongzhi.meetings import services
    from gongzhi.meetings.models import Evidence, ItemAttachment
    from gongzhi.meetings.tests.scenario import build
    from gongzhi.notices.models import NoticeAttachment
    from gongzhi.notices.services import create_notice
    from gongzhi.orgs.models import ServiceContract

    scenario = build(world)
    secretary, member = world.users["party_secretary"], world.users["oc_member"]
    files = [SimpleUploadedFile("附件.xlsx", bomb(bombs))]
    counts = (ItemAttachment.objects.count(), Evidence.objects.count(), NoticeAttachment.objects.count())
    with pytest.raises(ValidationError) as refused:
        if where == "meeting material":
            services.add_materials(actor=member, item=scenario.item, files=files)
        elif where == "progress evidence":
            services.report_progress(actor=member, resolution=scenario.resolution, text="已开工", files=files)
        elif where == "notice attachment":
            create_notice(
                actor=secretary,
                neighborhood=world.n1,
                compounds=[world.c1],
                title="关于加装电梯的通报",
                body="请居民提出意见。",
                responsible=world.orgs["oc1"],
                closes_on=timezone.localdate() + timedelta(days=7),
                files=files,
            )
        else:
            ServiceContract.objects.filter(compound=world.c1).update(manager=world.people["property_manager"])
            services.save_annual_report_draft(
                actor=world.users["property_manager"],
                report=scenario.report,
                sections={"service": "全年保洁按合同执行。"},
                files=files,
                expected_version=scenario.report.version,
            )
    assert "“附件.xlsx” cannot be attached: it unpacks to far more than its own size" in " ".join(
        refused.value.messages
    )
    assert (ItemAttachment.objects.count(), Evidence.objects.count(), NoticeAttachment.objects.count()) == counts
    assert not scenario.report.files.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("unpacked", [300 * MiB, GiB + MiB], ids=["300MiB", "1GiB"])
def test_a_zip_bomb_is_refused_at_the_import_before_openpyxl_opens_it(
    unpacked, world, client_for, bombs, monkeypatch, django_capture_on_commit_callbacks
):
    from gongzhi.onboarding import workbook
    from gongzhi.onboarding.models import ImportJob

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to unpack the bomb")

    monkeypatch.setattr(workbook, "load_workbook", never)
    content = bomb(bombs, unpacked)
    assert len(content) < workbook.max_upload_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("office").post(
            reverse("onboarding:upload"), {"file": SimpleUploadedFile("导入.xlsx", content)}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The workbook is too large once unpacked. Split it into several files."
    ]
    assert not ImportJob.objects.exists()
    with pytest.raises(workbook.WorkbookRefused, match="too large once unpacked"):
        workbook.read_workbook(io.BytesIO(content))  # the background job and the command check it too


def test_openpyxl_reads_workbooks_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True
