"""The evaluation reports' services: a quarterly report from draft to distribution and its read
receipts, freezing, versions, the jobs failing half-way, the distribution list, and every refusal
said in words with nothing written."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases.models import CaseStats
from gongzhi.core.workflow import ConcurrentEditError
from gongzhi.evaluation_reports import figures, services
from gongzhi.evaluation_reports.models import Delivery, Report, SectionDraft
from gongzhi.notifications.models import Notification

from .factories import QUARTER, TODAY, approved, distributed, started, with_cases

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def town_figure(report, code):
    return figures.figure(report.figures["town"], code)


def nb_part(report, nb):
    return next(p for p in report.figures["neighborhoods"] if p["id"] == nb.pk)


def test_the_figures_are_the_rates_of_the_town_and_of_each_neighborhood(world, django_capture_on_commit_callbacks):
    with_cases(world)
    report = started(world, django_capture_on_commit_callbacks)
    assert report.figures_at is not None and report.assembly_requested_at is None
    assert report.figures["period"] == {"label": "2026Q3", "start": "2026-07-01", "end": "2026-09-30"}
    # the town: (8 + 6) of 20 accepted handled in time; 3 of 4 confirmed fixed; (3 + 0.8) of 5
    assert town_figure(report, "cases.handling")["value"] == "70"
    assert town_figure(report, "cases.effective")["value"] == "75"
    assert town_figure(report, "cases.submitted")["value"] == "22"
    xc, sb = nb_part(report, world.n1), nb_part(report, world.n2)
    assert figures.figure(xc, "cases.handling")["value"] == "80"
    assert figures.figure(sb, "cases.handling")["value"] == "60"
    assert figures.figure(sb, "cases.effective")["value"] is None  # nothing to measure, never 0
    assert [r["name"] for r in figures.ranking(report.figures)] == ["新城", "世博"]
    # the other town's counters are not the town's
    CaseStats.objects.create(town=world.other, neighborhood=world.n3, compound=world.c4,
                             organization=world.orgs["oc4"], period="2026-08-01", accepted=50)  # fmt: skip
    report = services.request_assembly(actor=world.users["office"], report=report, version=report.version)
    services.assemble(report.pk, report.assembly_requested_at.isoformat())
    report.refresh_from_db()
    assert town_figure(report, "cases.handling")["value"] == "70"
    assert {s.key for s in report.sections.all()} >= {"overview", "cases", "next", "neighborhood"}
    assert report.sections.filter(neighborhood__isnull=False).count() == 2


def test_a_quarterly_report_from_draft_to_distribution_and_its_receipts(world, django_capture_on_commit_callbacks):
    from docx import Document

    with_cases(world)
    office, leader = world.users["office"], world.users["leader"]
    report = started(world, django_capture_on_commit_callbacks)
    overview = report.sections.get(key="overview")
    overview = services.save_section(actor=office, section=overview, version=overview.version, text="第一稿")
    overview = services.save_section(actor=office, section=overview, version=overview.version, text="本季度……")
    assert list(SectionDraft.objects.filter(section=overview).values_list("text", flat=True)) == ["本季度……", "第一稿"]
    with pytest.raises(PermissionDenied):  # the office carries the permission string, not the seat
        services.approve(actor=office, report=report, version=report.version)
    report = approved(world, django_capture_on_commit_callbacks, report)
    assert report.state == "approved" and report.approved_by == leader
    assert report.pdf.read(4) == b"%PDF"
    doc = Document(io.BytesIO(report.docx.open("rb").read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert str(report) in text and "本季度……" in text and "新城" in text
    assert doc.tables and doc.inline_shapes  # the figures' tables and the charts as pictures
    report = distributed(world, django_capture_on_commit_callbacks, report)
    assert report.state == "distributed"
    deliveries = {d.organization.code: d for d in Delivery.objects.filter(report=report)}
    # seed 七.4: the four parties of the town, not the police station, not another town's committee
    assert set(deliveries) == {"po1", "rc1", "po2", "rc2", "oc1", "oc3", "pc"}
    assert deliveries["po1"].neighborhood_ids == [world.n1.pk] and not deliveries["po1"].whole_town
    assert deliveries["oc3"].neighborhood_ids == [world.n2.pk]
    assert sorted(deliveries["pc"].neighborhood_ids) == sorted([world.n1.pk, world.n2.pk])
    secretary = world.users["party_secretary"]
    assert Notification.objects.filter(user=secretary, url=deliveries["po1"].get_absolute_url()).exists()
    assert Notification.objects.filter(phone__isnull=False).exclude(phone="").exists()
    with pytest.raises(PermissionDenied):  # 新城居委会's worker does not sign for the party organisation
        services.confirm_read(actor=world.users["rc_worker"], delivery=deliveries["po1"])
    d = services.confirm_read(actor=secretary, delivery=deliveries["po1"])
    assert d.read_by == secretary and d.read_at is not None
    again = services.confirm_read(actor=secretary, delivery=deliveries["po1"])
    assert again.read_at == d.read_at
    assert Delivery.objects.filter(report=report, read_at__isnull=False).count() == 1


def test_an_approved_report_is_frozen_and_corrected_by_a_new_version(world, django_capture_on_commit_callbacks):
    with_cases(world)
    office = world.users["office"]
    report = started(world, django_capture_on_commit_callbacks)
    section = report.sections.get(key="cases")
    services.save_section(actor=office, section=section, version=section.version, text="三率情况良好。")
    report.refresh_from_db()
    report = approved(world, django_capture_on_commit_callbacks, report)
    frozen_figures, frozen_pdf = report.figures, report.pdf.name
    # later records change nothing
    CaseStats.objects.filter(compound=world.c3).update(handled_in_time=10)
    report.refresh_from_db()
    assert report.figures == frozen_figures
    section.refresh_from_db()
    with pytest.raises(ValidationError, match="make a new version"):
        services.save_section(actor=office, section=section, version=section.version, text="改")
    with pytest.raises(ValidationError, match="make a new version"):
        services.request_assembly(actor=office, report=report, version=report.version)
    with pytest.raises(ValidationError, match="approved already"):
        services.approve(actor=world.users["leader"], report=report, version=report.version)
    with pytest.raises(ValidationError, match="what the new version corrects"):
        services.new_version(actor=office, report=report, version=report.version, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.new_version(actor=office, report=report, version=report.version, reason="世博调处率数据更正")
    v2.refresh_from_db()
    assert (v2.number, v2.previous, v2.state) == (2, report, "draft")
    assert v2.sections.get(key="cases").text == "三率情况良好。"
    assert figures.figure(nb_part(v2, world.n2), "cases.handling")["value"] == "100"
    report.refresh_from_db()
    assert report.figures == frozen_figures and report.pdf.name == frozen_pdf and report.state == "approved"
    with pytest.raises(ValidationError, match="newer version"):
        services.new_version(actor=office, report=report, version=report.version, reason="再改")
    with pytest.raises(ValidationError, match="still a draft"):
        services.new_version(actor=office, report=v2, version=v2.version, reason="再改")
    with pytest.raises(ValidationError, match="already"):
        services.create_report(actor=office, town=world.town, kind="quarter", period=QUARTER)


def test_a_failed_assembly_keeps_the_figures_and_can_be_asked_again(
    world, django_capture_on_commit_callbacks, monkeypatch, clock
):
    report = started(world, django_capture_on_commit_callbacks)
    before, before_at = report.figures, report.figures_at

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("database went away")

    monkeypatch.setattr(figures, "assemble", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_assembly(actor=world.users["office"], report=report, version=report.version)
    report.refresh_from_db()
    assert len(calls) == 3  # tried again by itself, then said
    assert "could not be assembled" in report.assembly_error and "RuntimeError" in report.assembly_error
    assert report.figures == before and report.figures_at == before_at and not report.assembling
    monkeypatch.undo()
    clock.shift(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_assembly(actor=world.users["office"], report=report, version=report.version)
    report.refresh_from_db()
    assert report.assembly_error == "" and report.figures_at > before_at
    # a job answering an older request does nothing
    assert services.assemble(report.pk, "2026-01-01T00:00:00+00:00") == "stale"


def test_files_failing_half_way_publish_nothing(world, django_capture_on_commit_callbacks, monkeypatch):
    from gongzhi.evaluation_reports import documents

    report = started(world, django_capture_on_commit_callbacks)

    calls = []

    def broken(report, neighborhood_ids=None):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(documents, "report_docx", broken)  # the PDF is made, the Word file fails
    report = approved(world, django_capture_on_commit_callbacks, report)
    assert report.files_at is None and not report.pdf and not report.docx and len(calls) == 3
    assert "could not be made" in report.files_error
    with pytest.raises(ValidationError, match="not made yet"):
        services.distribute(actor=world.users["office"], report=report, version=report.version)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_files(actor=world.users["office"], report=report, version=report.version)
    report.refresh_from_db()
    assert report.files_at is not None and report.pdf and report.docx and report.files_error == ""
    assert services.make_files(report.pk) == "done already"


def test_the_distribution_list(world, django_capture_on_commit_callbacks):
    from gongzhi.evaluation_reports import recipients

    office = world.users["office"]
    default = {o.code for o in recipients.default_for(world.town)}
    assert default == {"po1", "rc1", "po2", "rc2", "oc1", "oc3", "pc"}
    with pytest.raises(ValidationError, match="Not an organisation of this town: 梅陇业委会"):
        services.save_recipients(actor=office, town=world.town, organizations=[world.orgs["oc4"]], version=None)
    with pytest.raises(ValidationError, match="at least one"):
        services.save_recipients(actor=office, town=world.town, organizations=[], version=None)
    with pytest.raises(PermissionDenied):
        services.save_recipients(actor=world.users["outsider"], town=world.town, organizations=[world.orgs["po1"]],
                                 version=None)  # fmt: skip
    saved = services.save_recipients(
        actor=office, town=world.town, organizations=[world.orgs["po1"], world.orgs["police"]], version=None
    )
    with pytest.raises(ConcurrentEditError):
        services.save_recipients(
            actor=office, town=world.town, organizations=[world.orgs["po1"]], version=saved.version - 1
        )
    report = approved(world, django_capture_on_commit_callbacks, started(world, django_capture_on_commit_callbacks))
    report = distributed(world, django_capture_on_commit_callbacks, report)
    assert set(report.deliveries.values_list("organization__code", flat=True)) == {"po1", "police"}
    police = report.deliveries.get(organization__code="police")
    assert police.whole_town
    services.confirm_read(actor=world.users["gov_staff"], delivery=police)


def test_the_year_end_report_goes_to_the_leadership_groups_member_units(world, django_capture_on_commit_callbacks):
    report = started(world, django_capture_on_commit_callbacks, kind="year_end", period="2026")
    assert "groups" in report.figures["town"]["tables"]
    assert [g["name"] for g in report.figures["town"]["tables"]["groups"]] == ["第一检查组", "第三检查组"]
    assert report.sections.filter(key="groups").exists() and report.sections.filter(key="awards").exists()
    report = distributed(
        world, django_capture_on_commit_callbacks, approved(world, django_capture_on_commit_callbacks, report)
    )
    assert list(report.deliveries.values_list("organization__code", flat=True)) == ["police"]


def test_refusals(world, django_capture_on_commit_callbacks):
    office = world.users["office"]
    with pytest.raises(ValidationError, match="like 2026Q3"):
        services.create_report(actor=office, town=world.town, kind="quarter", period="2026-3")
    with pytest.raises(ValidationError, match="not begun"):
        services.create_report(actor=office, town=world.town, kind="quarter", period="2027Q1")
    with pytest.raises(PermissionDenied):
        services.create_report(actor=world.users["leader"], town=world.town, kind="quarter", period=QUARTER)
    with pytest.raises(PermissionDenied):
        services.create_report(actor=world.users["outsider"], town=world.town, kind="quarter", period=QUARTER)
    assert not Report.objects.exists()
    report = started(world, django_capture_on_commit_callbacks)
    with pytest.raises(ConcurrentEditError):
        services.submit(actor=office, report=report, version=report.version - 1)
    with pytest.raises(ValidationError, match="cannot distribute"):
        services.distribute(actor=office, report=report, version=report.version)
    report = services.request_assembly(actor=office, report=report, version=report.version)  # not run: queued
    with pytest.raises(ValidationError, match="being assembled"):
        services.submit(actor=office, report=report, version=report.version)
    with pytest.raises(ValidationError, match="Say why"):
        services.send_back(actor=world.users["leader"], report=report, version=report.version, reason="")
