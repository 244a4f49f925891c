"""The template's example rows are skipped; every import is previewed (per sheet: new, updated,
unchanged, example rows skipped) and written only when confirmed — and refused, nothing written,
when the town's records changed since the preview; a confirmed import is undone exactly, while
nothing depends on it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.onboarding.models import ImportedRecord, ImportJob
from gongzhi.onboarding.workbook import build_template
from gongzhi.orgs.models import Membership, Organization, Person, Residency, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Unit
from gongzhi.testing import MembershipFactory

from .conftest import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]

# Against the personas' world: 新城 (xc) is there as it is; 新城二村 (xc2) is renamed and moved to the
# new neighborhood 汇秋 (hq); a compound, a building, units, a person and a membership are new.
FILE = {
    "居民区": [["居民区编码", "名称"], ["xc", "新城"], ["hq", "汇秋"]],
    "小区": [["小区编码", "名称", "所属居民区编码"], ["xc2", "新城二村（东）", "hq"], ["hq1", "汇秋一村", "hq"]],
    "楼栋": [["小区编码", "楼栋号", "层数"], ["hq1", "1号楼", 6]],
    "房屋": [
        ["小区编码", "楼栋号", "房号", "专有面积（㎡）"],
        ["hq1", "1号楼", "101", 88.5],
        ["hq1", "1号楼", "102", 90],
    ],
    "组织": [["组织编码", "名称", "类型", "所属居民区编码"], ["hq-rc", "汇秋居委会", "居委会", "hq"]],
    "人员": [["姓名", "手机号"], ["王书记", "13911110001"]],
    "任职": [["手机号", "组织编码", "职务", "任期开始"], ["13911110001", "rc1", "居委会主任", "2026-01-01"]],
}
MODELS = (Neighborhood, Compound, Building, Unit, Organization, Person, Membership, ServiceContract, Residency)


@pytest.fixture
def office(client_for):
    return client_for("office")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(client, url, data): post as the page does and let the queued background task run."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


def upload(run, client, content: bytes, name="导入.xlsx") -> ImportJob:
    from django.core.files.uploadedfile import SimpleUploadedFile

    run(client, reverse("onboarding:upload"), {"file": SimpleUploadedFile(name, content)})
    return ImportJob.objects.order_by("-pk").first()


def confirm(run, client, job: ImportJob, digest=None):
    response = run(client, reverse("onboarding:confirm", args=[job.uid]), {"digest": digest or job.plan_digest})
    job.refresh_from_db()
    return response


def counts(job: ImportJob) -> dict:
    return {key: (c["created"], c["updated"], c["unchanged"], c["skipped"]) for key, c in job.report["sheets"].items()}


def state(town) -> dict:
    """Every record of the kinds an import writes, with every field but its version and times."""
    rows = {}
    for model in MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.name not in ("version", "updated_at")]
        rows[model.__name__] = sorted(model.objects.filter(town=town).values_list(*names))
    return rows


# --- Example rows ---------------------------------------------------------------------------------


def test_the_unmodified_template_imports_nothing_and_says_its_example_rows_were_skipped(world, office, run):
    before = state(world.town)
    job = upload(run, office, build_template(), "导入模板.xlsx")
    assert job.status == "nothing"
    assert all(c[3] == 1 and c[:3] == (0, 0, 0) for c in counts(job).values()), counts(job)
    assert len(counts(job)) == 9
    assert not Neighborhood.objects.filter(name="示例居民区").exists()
    assert not Compound.objects.filter(name="示例小区").exists()
    assert state(world.town) == before
    html = office.get(job.get_absolute_url()).content.decode()
    assert "example rows (9), which are never imported" in html and "Confirm the import" not in html


def test_rows_entered_below_the_example_rows_are_imported_and_the_examples_skipped(world, office, run):
    book = load_workbook(io.BytesIO(build_template()))
    book["居民区"].append([None, "hq", "汇秋", "汇秋路1号"])
    book["小区"].append([None, "hq1", "汇秋一村", "hq", None])
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(run, office, buffer.getvalue())
    assert job.status == "previewed"
    assert counts(job)["neighborhoods"] == (1, 0, 0, 1) and counts(job)["compounds"] == (1, 0, 0, 1)
    assert counts(job)["units"] == (0, 0, 0, 1)
    assert job.report["rows"]["neighborhoods"]["skipped"] == [{"row": 2, "key": "NB-EX 示例居民区", "changes": []}]
    confirm(run, office, job)
    assert job.status == "done"
    assert Compound.objects.get(code="hq1").neighborhood.code == "hq"
    assert not Neighborhood.objects.filter(code="NB-EX").exists()


def test_an_example_row_of_a_template_without_the_mark_is_skipped_too(world, office, run):
    """Templates downloaded before the mark: their example row (every cell as in the template) is an
    example; a row that differs in any cell is data; a sheet without it imports as always."""
    old = {
        "居民区": [["居民区编码", "名称", "办公地址"], ["NB-EX", "示例居民区", "示例路1号"], ["hq", "汇秋", None]],
        "小区": [["小区编码", "名称", "所属居民区编码"], ["CP-EX", "示例小区（改）", "hq"]],
    }
    job = upload(run, office, xlsx_bytes(old))
    assert counts(job) == {"neighborhoods": (1, 0, 0, 1), "compounds": (1, 0, 0, 0)}


def test_a_mark_other_than_the_example_mark_is_noted_and_the_row_imported(world, office, run):
    job = upload(run, office, xlsx_bytes({"居民区": [["示例标记", "居民区编码", "名称"], ["备注", "hq", "汇秋"]]}))
    assert counts(job) == {"neighborhoods": (1, 0, 0, 0)}
    assert any(w["column"] == "示例标记" and w["row"] == 2 for w in job.report["warnings"])


# --- Preview and confirmation ---------------------------------------------------------------------


def test_the_preview_counts_each_sheet_and_nothing_is_written_before_the_confirmation(world, office, run):
    before, entries = state(world.town), AuditEntry.objects.count()
    job = upload(run, office, xlsx_bytes(FILE))
    assert job.status == "previewed" and len(job.plan_digest) == 64
    assert counts(job) == {
        "neighborhoods": (1, 0, 1, 0),
        "compounds": (1, 1, 0, 0),
        "buildings": (1, 0, 0, 0),
        "units": (2, 0, 0, 0),
        "organizations": (1, 0, 0, 0),
        "people": (1, 0, 0, 0),
        "memberships": (1, 0, 0, 0),
    }
    updated = job.report["rows"]["compounds"]["updated"]
    assert updated == [
        {
            "row": 2,
            "key": "xc2 新城二村（东）",
            "changes": [["名称", "新城二村", "新城二村（东）"], ["所属居民区编码", "xc", "hq"]],
        }
    ]
    assert job.report["rows"]["people"]["created"] == [{"row": 2, "key": "139****0001 王书记", "changes": []}]
    assert state(world.town) == before and AuditEntry.objects.count() == entries
    assert not ImportedRecord.objects.exists()

    page = office.get(job.get_absolute_url())
    html = page.content.decode()
    assert (
        reverse("onboarding:confirm", args=[job.uid]) in html and reverse("onboarding:discard", args=[job.uid]) in html
    )
    assert "新城二村（东）" in html and "hx-trigger" not in html
    assert [s["label"] for s in page.context["sheets"]] == ["居民区", "小区", "楼栋", "房屋", "组织", "人员", "任职"]


def test_confirming_writes_the_preview_and_records_it_for_undo(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    preview = counts(job)
    response = confirm(run, office, job)
    assert response.status_code == 302 and job.status == "done"
    assert counts(job) == preview
    assert job.confirmed_by == world.users["office"] and job.confirmed_at is not None
    xc2 = Compound.objects.get(code="xc2")
    assert (xc2.name, xc2.neighborhood.code) == ("新城二村（东）", "hq")
    assert Unit.objects.filter(compound__code="hq1").count() == 2
    assert job.records.filter(change="created").count() == 8 and job.records.filter(change="updated").count() == 1
    assert AuditEntry.objects.filter(action="onboarding.importjob.confirm", object_id=str(job.pk)).count() == 1
    assert AuditEntry.objects.filter(action="onboarding.importjob.import", object_id=str(job.pk)).count() == 1
    html = office.get(job.get_absolute_url()).content.decode()
    assert reverse("onboarding:undo", args=[job.uid]) in html
    # Confirming again does nothing more.
    assert confirm(run, office, job).status_code == 302 and job.status == "done"
    assert Unit.objects.filter(compound__code="hq1").count() == 2


def test_a_confirmation_whose_preview_no_longer_holds_is_refused_and_nothing_written(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    # Meanwhile someone renames 新城二村: the import would now change another name than shown.
    Compound.objects.filter(code="xc2").update(name="新城二村（西）")
    before = state(world.town)
    records = AuditEntry.objects.exclude(action__startswith="onboarding.importjob")
    entries = records.count()
    confirm(run, office, job)
    assert job.status == "stale" and "changed after the preview" in job.errors[0]["message"]
    assert state(world.town) == before and not ImportedRecord.objects.exists() and records.count() == entries
    html = office.get(job.get_absolute_url()).content.decode()
    assert reverse("onboarding:preview_again", args=[job.uid]) in html

    run(office, reverse("onboarding:preview_again", args=[job.uid]))
    job.refresh_from_db()
    assert job.status == "previewed"
    assert job.report["rows"]["compounds"]["updated"][0]["changes"][0] == ["名称", "新城二村（西）", "新城二村（东）"]
    confirm(run, office, job)
    assert job.status == "done" and Compound.objects.get(code="xc2").name == "新城二村（东）"


def test_a_change_that_leaves_the_plan_as_it_was_does_not_stop_the_import(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    Compound.objects.filter(code="xc1").update(address="新城路1号")  # not in the file
    confirm(run, office, job)
    assert job.status == "done"


def test_confirming_a_preview_other_than_the_current_one_is_refused(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    response = confirm(run, office, job, digest="0" * 64)
    assert response.status_code == 302 and job.status == "previewed"
    assert not Neighborhood.objects.filter(code="hq").exists()
    messages = [str(m) for m in office.get(job.get_absolute_url()).context["messages"]]
    assert any("preview has changed" in m for m in messages)


def test_a_discarded_preview_writes_nothing_and_cannot_be_confirmed(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    run(office, reverse("onboarding:discard", args=[job.uid]))
    job.refresh_from_db()
    assert job.status == "discarded"
    confirm(run, office, job)
    assert job.status == "discarded" and not Neighborhood.objects.filter(code="hq").exists()
    assert AuditEntry.objects.filter(action="onboarding.importjob.discard").count() == 1


# --- Undo -----------------------------------------------------------------------------------------


def test_undo_deletes_what_the_import_created_and_puts_back_what_it_updated(world, office, run):
    before = state(world.town)
    job = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, job)
    assert state(world.town) != before
    page = office.get(reverse("onboarding:undo", args=[job.uid]))
    assert page.status_code == 200 and not page.context["plan"].blockers
    assert {c["label"]: (c["deleted"], c["restored"]) for c in page.context["plan"].counts}["compounds"] == (1, 1)

    response = office.post(reverse("onboarding:undo", args=[job.uid]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "undone" and job.undone_by == world.users["office"]
    assert state(world.town) == before
    assert Compound.objects.get(code="xc2").version == 3  # imported, then put back
    assert AuditEntry.objects.filter(action="onboarding.importjob.undo", object_id=str(job.pk)).count() == 1
    assert AuditEntry.objects.filter(action="places.compound.import_restore").count() == 1
    assert AuditEntry.objects.filter(action="places.unit.import_delete").count() == 2
    assert "Undone" in office.get(job.get_absolute_url()).content.decode()
    listing = office.get(reverse("onboarding:upload")).content.decode()
    assert "Undone" in listing
    # An undone import cannot be undone again.
    assert office.post(reverse("onboarding:undo", args=[job.uid])).status_code == 302
    assert state(world.town) == before


def test_undo_is_refused_while_a_case_refers_to_a_compound_the_import_created(world, office, run):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case

    job = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, job)
    install_default_categories(actor=None, town=world.town)
    report = Report(
        compound=Compound.objects.get(code="hq1"),
        category=Category.objects.get(town=world.town, code="REPAIR"),
        description="1号楼水管漏水",
        reporter_name="居民甲",
        reporter_phone="13800000001",
    )
    submit_case(actor=None, report=report, channel="qr", reporter_user=world.users["resident"])
    after = state(world.town)

    page = office.get(reverse("onboarding:undo", args=[job.uid]))
    blockers = page.context["plan"].blockers
    assert any(b.startswith("1 cases refer to the compounds created by this import") for b in blockers), blockers
    assert 'class="btn btn-danger" type="submit"' not in page.content.decode()
    response = office.post(reverse("onboarding:undo", args=[job.uid]))
    assert response.status_code == 400 and "1 cases refer to the compounds" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "done" and state(world.town) == after


def test_undo_is_refused_while_a_membership_made_since_refers_to_a_person_it_created(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, job)
    MembershipFactory(person=Person.objects.get(phone="13911110001"), organization=world.orgs["po1"], title="委员")
    response = office.post(reverse("onboarding:undo", args=[job.uid]))
    assert response.status_code == 400
    assert "1 memberships refer to the people created by this import" in response.content.decode()
    assert Person.objects.filter(phone="13911110001").exists()


def test_undo_is_refused_when_a_record_was_edited_since(world, office, run):
    job = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, job)
    Compound.objects.filter(code="hq1").update(name="汇秋一村（新）")
    response = office.post(reverse("onboarding:undo", args=[job.uid]))
    assert "1 compounds of this import were changed or deleted since" in response.content.decode()
    assert Compound.objects.filter(code="hq1").exists()


def test_a_later_import_of_the_same_records_is_undone_first(world, office, run):
    before = state(world.town)
    first = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, first)
    second = upload(
        run, office, xlsx_bytes({"小区": [["小区编码", "名称", "所属居民区编码"], ["hq1", "汇秋一村（北）", "hq"]]})
    )
    confirm(run, office, second)

    refused = office.post(reverse("onboarding:undo", args=[first.uid]))
    assert refused.status_code == 400 and "The later import “导入.xlsx”" in refused.content.decode()
    assert office.post(reverse("onboarding:undo", args=[second.uid])).status_code == 302
    assert Compound.objects.get(code="hq1").name == "汇秋一村"
    assert office.post(reverse("onboarding:undo", args=[first.uid])).status_code == 302
    first.refresh_from_db()
    assert first.status == "undone" and state(world.town) == before


def test_undo_of_another_towns_import_is_not_found(world, office, client_for, run):
    job = upload(run, office, xlsx_bytes(FILE))
    confirm(run, office, job)
    outsider = client_for("outsider")
    assert outsider.get(reverse("onboarding:undo", args=[job.uid])).status_code == 404
    assert outsider.post(reverse("onboarding:undo", args=[job.uid])).status_code == 404
    assert outsider.post(reverse("onboarding:discard", args=[job.uid])).status_code == 404
    job.refresh_from_db()
    assert job.status == "done"


def test_the_template_explains_the_example_rows(world):
    guide = load_workbook(io.BytesIO(build_template()))["说明"]
    text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "示例" in text and "never imported" in text


@pytest.mark.parametrize("persona", ["leader", "party_secretary", "rc_worker", "resident"])
def test_who_may_not_import_may_not_confirm_or_undo(world, office, client_for, run, persona):
    job = upload(run, office, xlsx_bytes({"居民区": [["居民区编码", "名称"], ["hq", "汇秋"]]}))
    client = client_for(persona)
    assert client.post(reverse("onboarding:confirm", args=[job.uid]), {"digest": job.plan_digest}).status_code == 404
    job.refresh_from_db()
    assert job.status == "previewed"
    confirm(run, office, job)
    assert client.post(reverse("onboarding:undo", args=[job.uid])).status_code == 404
    job.refresh_from_db()
    assert job.status == "done"
