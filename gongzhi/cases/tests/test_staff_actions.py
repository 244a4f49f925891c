"""The case page and its actions: each action through the page as a persona who may take it and as
one who may not (no button, and a 404 on POST), a state that no longer allows the action, two
forms opened on the same version, messages, hostile text, and who sees the reporter."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseMessage
from gongzhi.cases.workflow import State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages in the source language, so that messages can be checked by their text."""
    settings.LANGUAGE_CODE = "en"


HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
CHANGED = "Someone else changed this record"


def act_url(case, action):
    return f"/cases/{case.uid}/act/{action}/"


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def accepted(case, world) -> Case:
    return services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)


def resolved(case, world) -> Case:
    case = accepted(case, world)
    return services.resolve_case(
        actor=world.users["property_manager"], case=case, resolution="已更换水管", expected_version=case.version
    )


def action_forms(page: str) -> set[str]:
    return set(re.findall(r"/act/([a-z_]+)/", page))


def test_the_handler_accepts_starts_and_resolves_through_the_page(world, client_for, submit):
    case = submit()
    client = client_for("property_manager")
    page = client.get(case.get_absolute_url()).content.decode()
    assert {"accept", "reject", "co_handlers"} <= action_forms(page)
    assert "merge" not in action_forms(page) and "reassign" not in action_forms(page)

    response = client.post(act_url(case, "accept"), {"version": case.version})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case = fresh(case)
    assert case.state == State.ACCEPTED
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"Case {case.number} accepted." in page
    assert {"start", "explain", "escalate", "resolve"} <= action_forms(page)

    client.post(act_url(case, "start"), {"version": case.version})
    case = fresh(case)
    assert case.state == State.IN_PROGRESS
    response = client.post(act_url(case, "resolve"), {"version": case.version, "resolution": "已更换破损水管"})
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == State.RESOLVED and case.resolution == "已更换破损水管"


def test_explain_sets_the_committed_date_as_deadline(world, client_for, submit):
    case = accepted(submit(), world)
    committed = timezone.localdate() + timedelta(days=20)
    response = client_for("rc_worker").post(
        act_url(case, "explain"),
        {"version": case.version, "explanation": "需业委会表决后动用维修资金", "committed_date": committed.isoformat()},
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == State.EXPLAINED and case.resolve_due == committed and case.committed_date == committed


def test_explain_with_a_past_date_is_refused_with_a_message(world, client_for, submit):
    case = accepted(submit(), world)
    past = timezone.localdate() - timedelta(days=1)
    response = client_for("property_manager").post(
        act_url(case, "explain"), {"version": case.version, "explanation": "材料需要订购", "committed_date": past}
    )
    assert response.status_code == 200
    assert "The committed date cannot be in the past." in response.content.decode()
    assert fresh(case).state == State.ACCEPTED


def test_escalate_by_the_party_secretary(world, client_for, submit):
    case = accepted(submit(), world)
    response = client_for("party_secretary").post(
        act_url(case, "escalate"), {"version": case.version, "reason": "涉及物业、业委会和派出所，需联席会议"}
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == State.ESCALATED and "联席会议" in case.escalation_reason


def test_reject_by_the_residents_committee(world, client_for, submit):
    case = submit()
    response = client_for("rc_worker").post(
        act_url(case, "reject"), {"version": case.version, "reason": "测试数据，非真实诉求"}
    )
    assert response.status_code == 302
    assert fresh(case).state == State.REJECTED


def test_merge_into_a_case_looked_up_by_number(world, client_for, submit):
    first = submit(description="消防通道被车辆堵塞")
    duplicate = submit(description="消防通道又被车堵了")
    client = client_for("rc_worker")
    response = client.post(act_url(duplicate, "merge"), {"version": duplicate.version, "number": "9999-0001"})
    assert response.status_code == 200
    assert "No other case with this number" in response.content.decode()
    assert fresh(duplicate).state == State.SUBMITTED
    response = client.post(act_url(duplicate, "merge"), {"version": duplicate.version, "number": first.number})
    assert response.status_code == 302
    duplicate = fresh(duplicate)
    assert duplicate.state == State.MERGED and duplicate.merged_into == first


def test_merge_does_not_find_a_case_of_another_town(world, client_for, submit, categories):
    from gongzhi.cases.models import Category

    other_category = Category.objects.get(town=world.other, code="OWNERS")  # 梅陇业委会 handles it
    elsewhere = services.submit_case(
        actor=None,
        report=services.Report(compound=world.c4, category=other_category, description="梅陇小区业委会换届问题"),
        channel="phone",
    )
    case = submit()
    response = client_for("office").post(act_url(case, "merge"), {"version": case.version, "number": elsewhere.number})
    assert response.status_code == 200 and fresh(case).state == State.SUBMITTED


@pytest.mark.parametrize(
    "outcome, rating, state, source_valid",
    [
        ("fixed", "satisfied", State.CLOSED, True),
        ("not_fixed", "unsatisfied", State.IN_PROGRESS, True),
        ("unreachable", "", State.CLOSED, False),
    ],
)
@pytest.mark.frozen("2026-11-27 10:00")
def test_callback_result_recorded_by_the_residents_committee(
    world, client_for, submit, clock, outcome, rating, state, source_valid
):
    case = resolved(submit(), world)
    clock.move_to(f"{case.callback_due} 09:00")  # the callback is due
    response = client_for("rc_worker").post(
        act_url(case, "callback"),
        {
            "version": case.version,
            "outcome": outcome,
            "rating": rating,
            "comment": "电话回访，三次未接通" if not rating else "已修好",
        },
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == state
    if outcome == "unreachable":
        assert case.followup_valid is False and case.rating == ""
    else:
        assert case.feedback_source == Case.FeedbackSource.CALLBACK and case.rating == rating
    if outcome == "not_fixed":
        assert case.reopen_count == 1


@pytest.mark.frozen("2026-11-27 10:00")
def test_callback_needs_a_rating(world, client_for, submit, clock):
    case = resolved(submit(), world)
    clock.move_to(f"{case.callback_due} 09:00")
    response = client_for("rc_worker").post(act_url(case, "callback"), {"version": case.version, "outcome": "fixed"})
    assert response.status_code == 200
    assert "Choose 满意, 基本满意 or 不满意." in response.content.decode()
    assert fresh(case).state == State.RESOLVED


def test_reassign_and_co_handlers(world, client_for, submit):
    case = submit()
    client = client_for("rc_worker")
    response = client.post(
        act_url(case, "reassign"),
        {"version": case.version, "organization": world.orgs["police"].uid, "reason": "涉及治安，转派出所处理"},
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.handler == world.orgs["police"]
    response = client.post(
        act_url(case, "co_handlers"),
        {"version": case.version, "organizations": [world.orgs["pc"].uid, world.orgs["oc1"].uid]},
    )
    assert response.status_code == 302
    case = fresh(case)
    assert set(case.co_handlers.all()) == {world.orgs["pc"], world.orgs["oc1"]}
    # The timeline shows the co-handlers by name (not a list of ids).
    page = client.get(case.get_absolute_url()).content.decode()
    assert "申江物业、新城一村业委会" in page or "新城一村业委会、申江物业" in page


@pytest.mark.parametrize(
    "persona, action, data",
    [
        ("rc_worker", "accept", {}),  # not the handling organisation
        ("oc_member", "accept", {}),
        ("oc_member", "explain", {"explanation": "越权的说明", "committed_date": "2099-01-01"}),
        ("leader", "escalate", {"reason": "领导小组不能升级工单"}),
        ("oc_member", "reject", {"reason": "业委会不能驳回物业工单"}),
        ("property_manager", "merge", {"number": "x"}),
        ("property_manager", "reassign", {"reason": "物业不能自行改派"}),
        ("property_manager", "callback", {"outcome": "fixed", "rating": "satisfied"}),
        ("oc_member", "co_handlers", {}),
        ("inspector", "accept", {}),  # the case is outside the inspector's scope
        ("outsider", "reject", {"reason": "其他镇的人员"}),
        ("resident", "accept", {}),
    ],
)
def test_a_persona_who_may_not_act_gets_no_button_and_a_404(world, client_for, submit, persona, action, data):
    case = submit()
    client = client_for(persona)
    page = client.get(case.get_absolute_url())
    if page.status_code == 200:
        assert action not in action_forms(page.content.decode())
    else:
        assert page.status_code == 404
    response = client.post(act_url(case, action), {"version": case.version, **data})
    assert response.status_code == 404
    after = fresh(case)
    assert after.state == State.SUBMITTED and after.version == case.version


def test_viewers_without_any_action_see_an_explanation(world, client_for, submit):
    case = submit()
    page = client_for("leader").get(case.get_absolute_url()).content.decode()
    assert not action_forms(page)
    assert "Nothing for you to do on this case now." in page


def test_an_action_the_state_no_longer_allows_is_refused_with_a_message(world, client_for, submit):
    case = accepted(submit(), world)
    response = client_for("property_manager").post(act_url(case, "accept"), {"version": case.version})
    assert response.status_code == 200
    assert "it cannot be changed that way now" in response.content.decode()
    assert fresh(case).version == case.version


def test_two_forms_opened_on_the_same_version_the_second_is_refused(world, client_for, submit):
    case = accepted(submit(), world)
    handler, committee = client_for("property_manager"), client_for("rc_worker")
    version = case.version
    assert f'name="version" value="{version}"' in handler.get(case.get_absolute_url()).content.decode()
    assert f'name="version" value="{version}"' in committee.get(case.get_absolute_url()).content.decode()

    assert (
        committee.post(act_url(case, "reject"), {"version": version, "reason": "重复提交，已另案处理"}).status_code
        == 302
    )
    response = handler.post(act_url(case, "resolve"), {"version": version, "resolution": "已修好"})
    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    after = fresh(case)
    assert after.state == State.REJECTED and after.resolution == "" and after.version == version + 1


def test_the_same_action_twice_from_two_tabs(world, client_for, submit):
    case = submit()
    client = client_for("property_manager")
    assert client.post(act_url(case, "accept"), {"version": case.version}).status_code == 302
    response = client.post(act_url(case, "accept"), {"version": case.version})
    assert response.status_code == 200 and CHANGED in response.content.decode()
    assert fresh(case).version == case.version + 1


def test_actions_are_post_only(world, client_for, submit):
    case = submit()
    assert client_for("property_manager").get(act_url(case, "accept")).status_code == 405


# --- Messages and hostile text ---------------------------------------------------------------


def test_handler_posts_a_message_and_hostile_text_is_escaped(world, client_for, submit):
    case = submit()
    client = client_for("property_manager")
    response = client.post(f"/cases/{case.uid}/messages/", {"text": HOSTILE})
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    message = CaseMessage.objects.get(case=case)
    assert message.text == HOSTILE and not message.from_resident
    page = client.get(case.get_absolute_url()).content.decode()
    assert HOSTILE not in page and ESCAPED in page


def test_empty_message_is_refused_and_outsiders_get_404(world, client_for, submit):
    case = submit()
    response = client_for("rc_worker").post(f"/cases/{case.uid}/messages/", {"text": "  "})
    assert response.status_code == 200 and not CaseMessage.objects.exists()
    assert client_for("leader").post(f"/cases/{case.uid}/messages/", {"text": "领导留言"}).status_code == 404
    assert client_for("oc_member").post(f"/cases/{case.uid}/messages/", {"text": "业委会留言"}).status_code == 404
    assert "messages/" not in client_for("leader").get(case.get_absolute_url()).content.decode()
    assert not CaseMessage.objects.exists()


def test_a_staff_member_who_reported_the_case_writes_from_the_tracking_page_not_the_staff_page(
    world, client_for, submit
):
    """The owners' committee member sees the case (cases.view) and reported it as a resident: the
    staff page offers no message form and refuses a message (the resident writes from tracking)."""
    case = submit()
    Case.objects.filter(pk=case.pk).update(reporter_user=world.users["oc_member"])
    client = client_for("oc_member")
    assert "messages/" not in client.get(case.get_absolute_url()).content.decode()
    assert client.post(f"/cases/{case.uid}/messages/", {"text": "作为居民留言"}).status_code == 404
    assert not CaseMessage.objects.exists()


def test_hostile_description_and_location_are_escaped_everywhere(world, client_for, submit):
    case = submit(description=HOSTILE, location=HOSTILE)
    client = client_for("office")
    for url in (case.get_absolute_url(), "/cases/?box=all", f"/cases/?box=all&q={case.number}"):
        page = client.get(url).content.decode()
        assert HOSTILE not in page and "<script>alert" not in page, url
    assert ESCAPED in client.get(case.get_absolute_url()).content.decode()


# --- Who sees the reporter -------------------------------------------------------------------

WITHHELD = "Identity withheld at the resident"


def test_hidden_identity_is_hidden_from_the_property_company(world, client_for, submit):
    case = submit(hide_identity=True)
    page = client_for("property_manager").get(case.get_absolute_url()).content.decode()
    assert WITHHELD in page
    assert "居民甲" not in page and "0001" not in page.replace(case.number, "")
    listing = client_for("property_manager").get("/cases/?box=all").content.decode()
    assert WITHHELD in listing and "居民甲" not in listing


def test_hidden_identity_is_visible_to_the_residents_committee(world, client_for, submit):
    case = submit(hide_identity=True)
    page = client_for("rc_worker").get(case.get_absolute_url()).content.decode()
    assert "居民甲" in page and "138****0001" in page  # the committee may contact residents …
    assert "13800000001" not in page and 'data-testid="show-phone"' in page  # … its number in full on request
    assert "do not pass them on" in page


def test_reporter_number_masked_without_people_contact(world, client_for, submit):
    case = submit()
    for persona in ("leader", "oc_member", "property_manager"):
        page = client_for(persona).get(case.get_absolute_url()).content.decode()
        assert "居民甲" in page and "138****0001" in page and "13800000001" not in page, persona


def test_hidden_identity_from_a_co_handler(world, client_for, submit):
    case = submit(hide_identity=True)
    services.set_co_handlers(actor=None, case=case, organizations=[world.orgs["police"]], expected_version=case.version)
    page = client_for("gov_staff").get(case.get_absolute_url()).content.decode()
    assert WITHHELD in page and "居民甲" not in page


def test_the_cross_appointed_member_sees_what_their_other_seat_allows(world, client_for, submit):
    # 新城一村 (c1) is seen through the owners' committee seat; the party seat is in 世博 (n2), so
    # the number stays masked here.
    case = submit()
    page = client_for("cross_appointed").get(case.get_absolute_url()).content.decode()
    assert "138****0001" in page and "13800000001" not in page


def test_the_handler_resolves_with_photos_after_the_work(world, client_for, submit, settings, tmp_path):
    """Issue 10, finding 9: the property manager adds the "after" photo when resolving; the staff
    page and the resident's tracking page show it apart from the report's photos. A picture that
    is not one is refused in words with the typed text kept."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.cases.models import CasePhoto
    from gongzhi.core.tests.files import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    case = accepted(submit(), world)
    client = client_for("property_manager")
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Photos after the work" in page
    refused = client.post(
        act_url(case, "resolve"),
        {
            "version": case.version,
            "resolution": "已更换破损水管",
            "photos": SimpleUploadedFile("after.jpg", b"not a picture", content_type="image/jpeg"),
        },
    )
    assert refused.status_code == 200 and "已更换破损水管" in refused.content.decode()  # the page again
    assert fresh(case).state == State.ACCEPTED
    response = client.post(
        act_url(case, "resolve"),
        {"version": case.version, "resolution": "已更换破损水管", "photos": jpeg_with_gps("after.jpg")},
    )
    assert response.status_code == 302
    case = fresh(case)
    after = CasePhoto.objects.get(case=case)
    assert case.state == State.RESOLVED and after.stage == CasePhoto.Stage.AFTER
    assert 'data-testid="photos-after"' in client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="photos-after"' in client_for("resident").get(case.tracking_url()).content.decode()


def test_a_case_goes_only_to_organisations_serving_its_compound(world, client_for, submit):
    """Issue 11, finding 13: a 新城一村 case is not reassigned to 世博家园's owners' committee, nor
    given it as a co-handler; the pickers do not offer it."""
    from django.core.exceptions import ValidationError

    case = submit()
    page = client_for("rc_worker").get(case.get_absolute_url()).content.decode()
    assert world.orgs["oc3"].uid not in page and world.orgs["police"].uid in page
    with pytest.raises(ValidationError):
        services.reassign_case(
            actor=world.users["rc_worker"], case=case, organization=world.orgs["oc3"], reason="这个问题应当由世博家园业委会处理",
            expected_version=case.version,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.set_co_handlers(
            actor=world.users["rc_worker"], case=case, organizations=[world.orgs["oc3"]], expected_version=case.version
        )
    moved = services.reassign_case(
        actor=world.users["rc_worker"], case=case, organization=world.orgs["police"], reason="涉及治安问题，请派出所处理",
        expected_version=case.version,
    )  # fmt: skip
    assert moved.handler == world.orgs["police"]
