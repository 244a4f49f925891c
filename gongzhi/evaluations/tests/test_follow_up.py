"""An opinion heard at a forum that asks for action is followed up like a finding (issue 12 item 6): it
becomes a rectification order from the recording group to the organisation it concerns, for a compound
of the group's coverage; once; refused in words otherwise, with nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.evaluations import services
from gongzhi.inspections.models import RectificationOrder
from gongzhi.inspections.services import answer_order, close_order
from gongzhi.inspections.tests.factories import photo
from gongzhi.inspections.workflow import OrderState

from .factories import open_quarter, part_of, record_forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(world):
    part = part_of(open_quarter(world), world.n2)
    forum = record_forum(world, part, actor="inspector")
    return services.add_opinion(
        actor=world.users["inspector"],
        forum=forum,
        text="3号楼地下车库照明不足，晚上看不清。",
        organization=world.orgs["pc"],
        asks_for_action=True,
    )


def test_an_opinion_becomes_an_order_seen_through_in_the_inspections(world, opinion):
    inspector = world.users["inspector"]
    assert [c.pk for c in services.follow_up_compounds(inspector, opinion)] == [world.c3.pk]
    followed = services.follow_up_opinion(
        actor=inspector, opinion=opinion, compound=world.c3, expected_version=opinion.version
    )
    order = followed.rectification
    assert order.origin == RectificationOrder.Origin.FORUM and order.finding is None
    assert order.subject == opinion.text and order.responsible == world.orgs["pc"]
    assert order.compound == world.c3 and order.group == world.bodies["g1"]
    assert order.source_url == opinion.forum.get_absolute_url() and followed.compound == world.c3
    # The property company answers, the group re-checks and closes, as for a finding.
    order = answer_order(
        actor=world.users["property_manager"], order=order, version=order.version, text="已加装照明", photos=[photo()]
    )
    order = close_order(actor=inspector, order=order, version=order.version, note="复查：照明正常")
    assert order.state == OrderState.CLOSED
    # Kept as it was heard: no second order, no edit.
    followed.refresh_from_db()
    with pytest.raises(ValidationError, match="already followed up"):
        services.follow_up_opinion(
            actor=inspector, opinion=followed, compound=world.c3, expected_version=followed.version
        )
    with pytest.raises(ValidationError, match="kept as it was heard"):
        services.update_opinion(
            actor=inspector,
            opinion=followed,
            text="改过的意见",
            organization=world.orgs["pc"],
            asks_for_action=True,
            expected_version=followed.version,
        )
    assert RectificationOrder.objects.count() == 1


@pytest.mark.parametrize(
    "situation, words",
    [
        ("no action asked", "Only an opinion that asks for action"),
        ("compound elsewhere", "Choose a compound of"),
        ("not covered", "No inspection group of yours covers"),
        ("stale version", ""),
    ],
)
def test_refused_follow_ups_write_nothing(world, opinion, situation, words):
    actor, compound, version = world.users["inspector"], world.c3, opinion.version
    if situation == "no action asked":
        opinion = services.update_opinion(
            actor=actor,
            opinion=opinion,
            text=opinion.text,
            organization=opinion.organization,
            asks_for_action=False,
            expected_version=version,
        )
        version = opinion.version
    if situation == "compound elsewhere":
        compound = world.c1
    if situation == "not covered":
        actor = world.users["property_manager"]
    if situation == "stale version":
        version -= 1
    with pytest.raises(ValidationError) as refused:
        services.follow_up_opinion(actor=actor, opinion=opinion, compound=compound, expected_version=version)
    assert words in " ".join(refused.value.messages)
    assert not RectificationOrder.objects.exists()
    opinion.refresh_from_db()
    assert opinion.rectification_id is None and opinion.compound_id is None


def test_the_forum_page_offers_the_follow_up_to_the_group_only(world, opinion, client_for):
    url = reverse("evaluations:forum", args=[opinion.forum.uid])
    follow = reverse("evaluations:opinion_follow_up", args=[opinion.forum.uid, opinion.uid])
    inspector = client_for("inspector")
    assert 'data-testid="follow-up"' in inspector.get(url).content.decode()
    assert 'data-testid="follow-up"' not in client_for("property_manager").get(url).content.decode()
    refused = inspector.post(follow, {"compound": "", "version": opinion.version})
    assert refused.status_code == 400 and "Choose a compound of" in refused.content.decode()
    done = inspector.post(follow, {"compound": world.c3.uid, "version": opinion.version})
    assert done.status_code == 302
    page = inspector.get(url).content.decode()
    assert 'data-testid="opinion-order"' in page and 'data-testid="follow-up"' not in page
    order = RectificationOrder.objects.get()
    order_page = client_for("property_manager").get(reverse("inspections:order", args=[order.uid])).content.decode()
    assert opinion.text in order_page and url in order_page  # the order links back to the forum
    edit = reverse("evaluations:opinion_edit", args=[opinion.forum.uid, opinion.uid])
    assert inspector.get(edit).status_code == 302  # no edit form for an opinion sent as an order
