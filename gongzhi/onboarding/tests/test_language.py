"""Problems are written in the uploader's language: Simplified Chinese by default."""

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.onboarding.importer import ImportInvalid, import_data
from gongzhi.onboarding.models import ImportJob

from .conftest import xlsx_file

pytestmark = pytest.mark.django_db

SOURCE = "The area must be greater than 0."
BAD_UNITS = {"房屋": [["小区编码", "楼栋号", "房号", "专有面积（㎡）"], ["xc1", "1号楼", "301", -1]]}


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext(SOURCE) != SOURCE, "the Chinese catalogue lacks the importer's messages"


def test_messages_are_chinese_by_default(world, chinese):
    with pytest.raises(ImportInvalid) as caught:
        import_data(
            actor=None,
            town=world.town,
            data={"units": [{"compound": "xc1", "building": "1号楼", "number": "301", "area": "-1"}]},
        )
    assert caught.value.errors[0].message != SOURCE


def test_a_job_lists_its_problems_in_the_uploaders_language(
    world, client_for, chinese, django_capture_on_commit_callbacks
):
    office = client_for("office")
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("onboarding:upload"), {"file": xlsx_file(BAD_UNITS)})
    job = ImportJob.objects.get()
    assert job.language == "zh-hans" and job.errors[0]["message"] != SOURCE
    english = client_for("office")
    english.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("onboarding:upload"), {"file": xlsx_file(BAD_UNITS)}, HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.order_by("-pk").first()
    assert job.language == "en" and job.errors[0]["message"] == SOURCE
