"""The evaluation reports' pages: the office writes and submits, the leadership group decides, the
office distributes; a recipient reads its neighborhood in full and confirms; a refused save keeps
what was typed; the Word file opens back; the transmittal list says who read."""

import io

import pytest

from gongzhi.evaluation_reports.models import Delivery, Report

from .factories import QUARTER, TODAY, approved, distributed, started, with_cases

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def as_(client, world, persona):
    client.force_login(world.users[persona])
    return client


def test_the_office_starts_writes_and_submits(world, client, django_capture_on_commit_callbacks):
    with_cases(world)
    as_(client, world, "office")
    page = client.get("/reports/").content.decode()
    assert "No evaluation report yet." in page and "/reports/new/" in page
    response = client.post("/reports/new/", {"kind": "quarter", "period": "2026q3"})
    assert response.status_code == 400 or response.status_code == 302
    report = Report.objects.get()
    assert report.period == QUARTER
    with django_capture_on_commit_callbacks(execute=True):
        pass
    page = client.get(report.get_absolute_url()).content.decode()
    assert "being assembled" in page and 'hx-get="/reports/' in page  # the progress bar polls
    from gongzhi.evaluation_reports import services

    services.assemble(report.pk, report.assembly_requested_at.isoformat())
    progress = client.get(f"/reports/{report.uid}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Save this section" in page and "Submit to the leadership group" in page and "新城" in page
    assert "data:image/png;base64," in page  # the charts, drawn on the server
    section = report.sections.get(key="overview")
    response = client.post(
        f"/reports/sections/{section.uid}/", {"version": section.version, "text": "本季度总体平稳。"}
    )
    assert response.status_code == 302
    # a stale save is refused and what was typed is shown again
    response = client.post(f"/reports/sections/{section.uid}/", {"version": section.version, "text": "我刚写的一段话"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "我刚写的一段话" in page and "changed" in page
    drafts = client.get(f"/reports/sections/{section.uid}/drafts/").content.decode()
    assert "本季度总体平稳。" in drafts
    report.refresh_from_db()
    response = client.post(f"/reports/{report.uid}/submit/", {"version": report.version})
    assert response.status_code == 302
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Save this section" not in page and "本季度总体平稳。" in page
    assert 'action="/reports/' + report.uid + '/approve/"' not in page  # the office does not approve


def test_the_leader_approves_and_the_office_distributes(world, client, django_capture_on_commit_callbacks):
    from docx import Document

    report = started(world, django_capture_on_commit_callbacks)
    from gongzhi.evaluation_reports import services

    report = services.submit(actor=world.users["office"], report=report, version=report.version)
    as_(client, world, "leader")
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Approve" in page and "Send back to the office" in page and "Save this section" not in page
    home = client.get("/").content.decode()
    assert "awaits your approval" in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{report.uid}/approve/", {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    again = client.post(f"/reports/{report.uid}/approve/", {"version": report.version})
    assert again.status_code == 400 and "approved already" in again.content.decode()  # said, nothing written
    as_(client, world, "office")
    docx = client.get(f"/reports/{report.uid}/report.docx")
    doc = Document(io.BytesIO(b"".join(docx.streaming_content)))
    assert doc.paragraphs[0].text == str(report)
    assert client.get(f"/reports/{report.uid}/report.pdf")["Content-Type"] == "application/pdf"
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Distribute" in page and "新城党总支" in page and "frozen" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{report.uid}/distribute/", {"version": report.version})
    report.refresh_from_db()
    assert report.state == "distributed"
    transmittal = client.get(f"/reports/{report.uid}/transmittal/").content.decode()
    assert "0 of 7 recipients have confirmed reading it" in transmittal
    pdf = client.get(f"/reports/{report.uid}/transmittal.pdf")
    assert pdf.content[:4] == b"%PDF"


def test_a_recipient_reads_its_neighborhood_and_confirms(world, client, django_capture_on_commit_callbacks):
    report = distributed(world, django_capture_on_commit_callbacks,
                         approved(world, django_capture_on_commit_callbacks, started(world, django_capture_on_commit_callbacks)))  # fmt: skip
    as_(client, world, "party_secretary")
    assert "received by 新城党总支" in client.get("/").content.decode()
    listing = client.get("/reports/received/").content.decode()
    delivery = Delivery.objects.get(report=report, organization=world.orgs["po1"])
    assert delivery.get_absolute_url() in listing and "Not read yet" in listing
    page = client.get(delivery.get_absolute_url()).content.decode()
    assert "Your neighborhood" in page and 'id="nb-' + world.n1.uid in page and 'id="nb-' + world.n2.uid not in page
    assert client.get(report.get_absolute_url()).status_code == 404  # the office's page is not theirs
    foreign = Delivery.objects.get(report=report, organization=world.orgs["po2"])
    assert client.get(foreign.get_absolute_url()).status_code == 404
    response = client.post(f"/reports/received/{delivery.uid}/confirm/")
    assert response.status_code == 302
    page = client.get(delivery.get_absolute_url()).content.decode()
    assert "Read: confirmed" in page and "Confirm that we have read it" not in page
    assert client.get(f"/reports/received/{delivery.uid}/report.pdf").content[:4] == b"%PDF"
    as_(client, world, "office")
    transmittal = client.get(f"/reports/{report.uid}/transmittal/").content.decode()
    assert "1 of 7 recipients have confirmed reading it" in transmittal and "party_secretary" in transmittal


def test_the_distribution_list_page(world, client):
    as_(client, world, "office")
    page = client.get("/reports/recipients/").content.decode()
    assert "The default list" in page and "陈行派出所" in page
    foreign = world.orgs["oc4"]
    response = client.post("/reports/recipients/", {"recipients": [world.orgs["po1"].pk, foreign.pk]})
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()
    response = client.post("/reports/recipients/", {"recipients": [world.orgs["po1"].pk, world.orgs["police"].pk]})
    assert response.status_code == 302
    page = client.get("/reports/recipients/").content.decode()
    assert "The office has edited this list." in page


def test_a_steps_message_is_in_the_language_of_whoever_takes_it(world, client, django_capture_on_commit_callbacks):
    from django.conf import settings

    from gongzhi.evaluation_reports import services

    report = started(world, django_capture_on_commit_callbacks)
    as_(client, world, "office")
    said = []
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(f"/reports/{report.uid}/submit/", {"version": report.version}, follow=True)
        said += [str(m) for m in response.context["messages"]]
        report.refresh_from_db()
        report = services.send_back(actor=world.users["leader"], report=report, version=report.version, reason="再议")
    assert said == ["已报领导小组审定。", "Submitted to the leadership group."]
