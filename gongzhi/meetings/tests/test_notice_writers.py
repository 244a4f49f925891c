"""Written notices no longer dead-end (issue 10, finding 7): the party secretary, told a major
resolution is not yet notified, is offered to write the notice, as is the lead organisation; an
assisting one is not (it may not write it); a saved draft can be edited by who may write it, a
stale edit is refused with the input kept, only what changed is recorded."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.meetings import services
from gongzhi.notices import services as notices
from gongzhi.notices.models import Notice

from .scenario import PDF, vote_through

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture
def major(meeting, world, secretary, in_session, major_kind):
    item = services.propose_item(actor=secretary, meeting=meeting, title="外立面维修", major_kind=major_kind)
    item = services.waive_consultation(actor=secretary, item=item, reason="会前已表态", expected_version=item.version)
    item = vote_through(item, in_session(), secretary)
    return services.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头完成外立面维修",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )


@pytest.mark.parametrize(
    "persona,offered",
    [("party_secretary", True), ("oc_member", True), ("property_manager", False), ("office", True)],
)
def test_who_is_offered_to_write_the_notice(major, client_for, persona, offered):
    page = client_for(persona).get(major.get_absolute_url()).content.decode()
    assert "Not yet published" in page
    link = reverse("notices:new") + f"?resolution={major.uid}"
    assert (link in page) is offered
    if offered:
        assert client_for(persona).get(link).status_code == 200


@pytest.fixture
def draft(world):
    return notices.create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="停车位调整通报",
        body="拟调整地面停车位。",
        responsible=world.orgs["oc1"],
        closes_on=timezone.localdate() + timedelta(days=7),
        files=[SimpleUploadedFile("旧方案.pdf", PDF, content_type="application/pdf")],
    )


def _form(draft, world, **changes):
    data = {
        "title": draft.title,
        "body": draft.body,
        "compounds": [world.c1.uid],
        "responsible": world.orgs["oc1"].uid,
        "closes_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "version": draft.version,
    }
    return {**data, **changes}


def test_a_draft_is_edited_and_only_what_changed_is_recorded(draft, world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("party_secretary")
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("notices:edit", args=[draft.uid]) in detail
    old = draft.attachments.get()
    response = client.post(
        reverse("notices:edit", args=[draft.uid]),
        _form(
            draft,
            world,
            title="停车位调整通报（修订）",
            compounds=[world.c1.uid, world.c2.uid],
            remove_files=[old.uid],
            files=SimpleUploadedFile("新方案.pdf", PDF, content_type="application/pdf"),
        ),
    )
    assert response.status_code == 302
    notice = Notice.objects.get(pk=draft.pk)
    assert notice.title == "停车位调整通报（修订）" and notice.version == draft.version + 1
    assert {c.code for c in notice.compounds.all()} == {"xc1", "xc2"}
    assert [a.name for a in notice.attachments.all()] == ["新方案.pdf"]
    entry = AuditEntry.objects.filter(action="notices.notice.update").get()
    assert set(entry.after) == {"title", "compounds", "files", "files_removed"}  # body, dates unchanged


def test_a_stale_edit_is_refused_with_the_input_kept(draft, world, client_for):
    client = client_for("party_secretary")
    notices.update_notice(
        actor=world.users["office"],
        notice=draft,
        compounds=[world.c1],
        title="办公室改过的标题",
        body=draft.body,
        responsible=world.orgs["oc1"],
        closes_on=timezone.localdate() + timedelta(days=7),
        expected_version=draft.version,
    )
    response = client.post(reverse("notices:edit", args=[draft.uid]), _form(draft, world, body="我写了很长的修改意见"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "我写了很长的修改意见" in page
    assert Notice.objects.get(pk=draft.pk).title == "办公室改过的标题"


def test_a_published_notice_or_someone_who_may_not_write_it_gets_no_edit_page(draft, world, client_for):
    url = reverse("notices:edit", args=[draft.uid])
    assert client_for("property_manager").get(url).status_code == 404
    assert "notices/" in client_for("party_secretary").get(url).request["PATH_INFO"]
    published = notices.publish_notice(
        actor=world.users["party_secretary"],
        notice=draft,
        closes_on=timezone.localdate() + timedelta(days=7),
        expected_version=draft.version,
    )
    assert client_for("party_secretary").get(url).status_code == 404
    assert (
        reverse("notices:edit", args=[published.uid])
        not in client_for("party_secretary").get(published.get_absolute_url()).content.decode()
    )
