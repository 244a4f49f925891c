"""The four parties as parties (issue 10, finding 5, and the owner representatives of seed 一):
whom each invitee speaks for on the page, in the minutes and on the PDF's sign-off; "all four
parties present"; a neighborhood whose owners sit through owner representatives passing a major
matter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.meetings import parties, services
from gongzhi.meetings.models import Minutes
from gongzhi.meetings.pdf import sign_off
from gongzhi.orgs import services as org_services
from gongzhi.orgs.models import Membership
from gongzhi.testing import MembershipFactory, PersonFactory, login_for

from .scenario import vote_through

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture
def secretary_heads_the_committee(world):
    """The party secretary also chairs 新城居委会 (as 梁艳 does in the demo)."""
    return MembershipFactory(
        person=world.people["party_secretary"],
        organization=world.orgs["rc1"],
        title="居委会主任",
        position=Membership.Position.HEAD,
    )


def _schedule(world, secretary, days=3):
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城联席会议", starts_at=start, place="居委会会议室"
    )


def test_an_invitee_speaks_for_every_party_in_which_they_hold_a_seat(world, secretary, secretary_heads_the_committee):
    meeting = _schedule(world, secretary)
    invitees, four = parties.roll(meeting)
    mine = next(i for i in invitees if i.person_id == world.people["party_secretary"].pk)
    assert [o.code for o in mine.parties] == ["po1", "rc1"]
    by_kind = {p.kind: p for p in four}
    assert [i.name for i in by_kind["residents_committee"].invited] == [mine.name]


def test_the_meeting_page_shows_the_parties_and_whether_all_four_are_here(
    world, secretary, secretary_heads_the_committee, client_for, in_session, meeting
):
    page = client_for("party_secretary").get(meeting.get_absolute_url()).content.decode()
    assert "The four parties" in page and "新城居委会" in page
    assert 'data-testid="all-four-here"' not in page  # not open yet: who is invited, not who is here
    in_session()
    page = client_for("party_secretary").get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="all-four-here"' in page


def test_a_party_nobody_came_for_is_named(world, secretary, in_session, meeting, client_for):
    absent = {i.name: ("absent", "") for i in meeting.invitees.filter(organization=world.orgs["oc1"])}
    m = in_session(absent)
    _, four = parties.roll(m)
    assert [p.kind for p in four if not p.here] == ["owners_committee"]
    page = client_for("party_secretary").get(meeting.get_absolute_url()).content.decode()
    assert "Not all four parties are present" in page and "nobody of this party is present" in page


def test_the_minutes_list_attendance_by_party_and_the_pdf_signs_off_per_party(
    world, secretary, secretary_heads_the_committee, in_session, meeting, fresh
):
    m = in_session()
    m = services.end_meeting(actor=secretary, meeting=m, expected_version=fresh(m).version)
    text = Minutes.objects.get(meeting=m).text
    name = world.people["party_secretary"].name
    assert f"Party organisation（新城党总支）：{name}" in text
    assert f"Residents' committee（新城居委会）：{name}" in text
    assert "All four parties were present." in text
    lines = sign_off(m)["party_lines"]
    assert [p.kind for p in lines] == ["party_org", "residents_committee", "owners_committee", "property_company"]
    assert [[i.name for i in p.present] for p in lines][:2] == [[name], [name]]


def test_owner_representatives_sit_for_the_owners_and_a_major_matter_passes(
    world, secretary, major_kind, fresh, client_for
):
    """Today's bug: with no owners' committee sitting, the default rule (major matters need all four
    parties) can never be met. Owner representatives of 新城二村 sit for the owners instead."""
    today = timezone.localdate()
    Membership.objects.filter(organization=world.orgs["oc1"]).update(end=today - timedelta(days=1))
    without = _schedule(world, secretary)
    assert not [p for p in parties.roll(without)[1] if p.kind == "owners_committee"][0].invited

    reps = org_services.create_organization(
        actor=world.users["office"],
        town=world.town,
        data={
            "kind": "owners_committee",
            "code": "xc2-reps",
            "name": "新城二村业主代表",
            "compound": world.c2,
            "owner_representatives": True,
        },
    )
    representatives = [PersonFactory(town=world.town, name=f"业主代表{n}") for n in range(2)]
    for person in representatives:
        MembershipFactory(person=person, organization=reps, title="业主代表")
    speaker = login_for(representatives[0], "rep0")
    meeting = _schedule(world, secretary, days=4)
    invitees, four = parties.roll(meeting)
    owners = next(p for p in four if p.kind == "owners_committee")
    assert owners.label == "Owners' committee / owner representatives"  # 新城一村 still has its committee
    assert sorted(i.name for i in owners.invited) == ["业主代表0", "业主代表1"]

    item = services.propose_item(
        actor=secretary, meeting=meeting, title="二村外墙维修", major_kind=major_kind, compound=world.c2
    )
    assert {o.code for o in services.missing_positions(item)} == {"po1", "rc1", "xc2-reps"}
    for actor, org in ((secretary, "po1"), (world.users["rc_worker"], "rc1"), (speaker, None)):
        organization = world.orgs[org] if org else reps
        services.record_position(
            actor=actor, item=item, organization=organization, stance="agree", expected_version=None
        )
    assert services.missing_positions(item) == []
    m = services.open_meeting(actor=secretary, meeting=meeting, expected_version=fresh(meeting).version)
    m = services.record_attendance(
        actor=secretary,
        meeting=m,
        marks={i.pk: ("present", "") for i in m.invitees.all()},
        expected_version=m.version,
    )
    item = vote_through(fresh(item), m, secretary)
    assert item.state == "passed"


def test_owner_representatives_are_only_the_owners_party(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        org_services.create_organization(
            actor=world.users["office"],
            town=world.town,
            data={"kind": "property_company", "code": "x", "name": "某物业", "owner_representatives": True},
        )
    assert "owner_representatives" in refused.value.message_dict


def test_the_history_reads_attendance_in_words_and_names_people_without_their_login(
    world, in_session, meeting, client_for
):
    """Issue 10, finding 10: no "unknown → present", no "(party_secretary)" on the page."""
    in_session({i.name: ("represented", "王芳") for i in meeting.invitees.filter(organization=world.orgs["pc"])})
    page = client_for("party_secretary").get(meeting.get_absolute_url()).content.decode()
    history = page.split('id="timeline-h"')[1]
    assert "Not recorded</del> → Present" in history
    assert "→ Represented (王芳)" in history
    assert "unknown" not in history and "present<" not in history
    assert "(party_secretary)" not in history and world.people["party_secretary"].name in history
