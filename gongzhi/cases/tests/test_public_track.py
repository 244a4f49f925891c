"""The tracking page and its actions: public but unguessable; the state in plain words and a
timeline that names organisations, never staff; photos only through the link; the reporter's
answer (fixed → closed, not fixed → reopened), withdrawal and messages — for the reporter only,
with the version of the page guarding against concurrent changes."""

import pytest
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseMessage
from gongzhi.cases.workflow import State
from gongzhi.core.tests.files import jpeg_with_gps
from gongzhi.core.uploads import clean_photo
from gongzhi.testing import UserFactory

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert('x')</script>水管漏了"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def resolved(world, case):
    manager = world.users["property_manager"]
    case = services.accept_case(actor=manager, case=case, expected_version=case.version)
    return services.resolve_case(actor=manager, case=case, resolution="已更换水管", expected_version=case.version)


def another_resident():
    client = Client()
    client.force_login(UserFactory(username="13900000099", phone="13900000099"))
    return client


def test_wrong_token_is_404(client):
    assert client.get("/t/nosuchtoken22/").status_code == 404


def test_visitor_with_the_link_sees_the_status_but_no_forms(client, world, submit):
    case = submit()
    page = client.get(case.tracking_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html and "新城一村" in html and "申江物业" in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    assert 'data-testid="feedback-form"' not in html and 'data-testid="withdraw-form"' not in html
    assert 'data-testid="message-form"' not in html
    assert "/accounts/phone/?next=" in html  # "sign in with your mobile number to answer"
    assert "13800000001" not in html and "居民甲" not in html  # the reporter is not shown


def test_description_is_shown_as_text(client_for, submit):
    case = submit(description=HOSTILE)
    html = client_for("resident").get(case.tracking_url()).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;水管漏了" in html


def test_timeline_names_organisations_never_staff(client, world, submit):
    case = submit()
    manager = world.users["property_manager"]
    case = services.accept_case(actor=manager, case=case, expected_version=case.version)
    case = services.start_case(actor=manager, case=case, expected_version=case.version)
    services.post_message(actor=manager, case=case, text="师傅下午两点上门")
    html = client.get(case.tracking_url()).content.decode()
    steps = client.get(case.tracking_url()).context["steps"]
    assert [s.kind for s in steps] == ["create", "accept", "start"]
    assert all("申江物业" in s.text for s in steps)
    assert str(manager) not in html and "property_manager" not in html  # no staff names or logins
    thread = client.get(case.tracking_url()).context["thread"]
    assert [(p.by, p.text) for p in thread] == [("申江物业", "师傅下午两点上门")]


def test_escalation_by_the_residents_committee_and_a_commitment_are_shown(client, world, categories, submit):
    case = submit(category=categories["PARKING"])
    rc = world.users["rc_worker"]
    manager = world.users["property_manager"]
    case = services.accept_case(actor=manager, case=case, expected_version=case.version)
    from gongzhi.testing import on

    case = services.explain_case(
        actor=rc,
        case=case,
        explanation="需要业委会和派出所共同处理",
        committed_date=on(20),
        expected_version=case.version,
    )
    case = services.escalate_case(actor=rc, case=case, reason="涉及物业、业委会和派出所", expected_version=case.version)
    page = client.get(case.tracking_url())
    steps = page.context["steps"]
    assert [s.kind for s in steps] == ["create", "accept", "explain", "escalate"]
    assert "新城居委会" in steps[2].text and on(20).isoformat() in steps[2].text
    html = page.content.decode()
    assert "需要业委会和派出所共同处理" in html  # the commitment, for the resident
    assert "涉及物业、业委会和派出所" not in html  # the escalation reason is internal


def test_photos_are_served_only_through_the_link(client, world, submit):
    case = submit(photos=[clean_photo(jpeg_with_gps())])
    photo = case.photos.get()
    url = f"/t/{case.tracking_token}/photos/{photo.uid}/"
    assert url in client.get(case.tracking_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    other = submit(description="另一户的问题描述")
    assert client.get(f"/t/{other.tracking_token}/photos/{photo.uid}/").status_code == 404
    assert client.get(f"/t/nosuchtoken22/photos/{photo.uid}/").status_code == 404


def test_reporter_answers_fixed_and_the_case_closes(client_for, world, submit):
    case = resolved(world, submit())
    client = client_for("resident")
    page = client.get(case.tracking_url())
    assert page.context["feedback_form"] is not None
    response = client.post(
        f"/t/{case.tracking_token}/feedback/",
        {"version": case.version, "fixed": "yes", "rating": "satisfied", "comment": "很及时"},
    )
    assert response.status_code == 302 and response["Location"] == case.tracking_url()
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.fixed is True and case.rating == "satisfied"
    assert case.feedback_comment == "很及时" and case.feedback_source == Case.FeedbackSource.RESIDENT
    page = client.get(case.tracking_url())
    assert "feedback_form" not in page.context and 'data-state="closed"' in page.content.decode()
    assert page.context["steps"][-1].kind == "confirm"


def test_reporter_answers_not_fixed_and_the_case_is_reopened(client_for, world, submit):
    case = resolved(world, submit())
    response = client_for("resident").post(
        f"/t/{case.tracking_token}/feedback/", {"version": case.version, "fixed": "no", "rating": "unsatisfied"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.reopen_count == 1 and case.fixed is False


def test_feedback_needs_an_answer_and_a_rating(client_for, world, submit):
    case = resolved(world, submit())
    response = client_for("resident").post(f"/t/{case.tracking_token}/feedback/", {"version": case.version})
    assert response.status_code == 200
    assert set(response.context["feedback_form"].errors) == {"fixed", "rating"}
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_only_the_reporter_may_answer(client_for, client, world, submit):
    case = resolved(world, submit())
    stranger = another_resident()
    page = stranger.get(case.tracking_url())
    assert page.status_code == 200 and "feedback_form" not in page.context
    data = {"version": case.version, "fixed": "yes", "rating": "satisfied"}
    assert stranger.post(f"/t/{case.tracking_token}/feedback/", data).status_code == 404
    assert client_for("property_manager").post(f"/t/{case.tracking_token}/feedback/", data).status_code == 404
    response = client.post(f"/t/{case.tracking_token}/feedback/", data)  # not signed in
    assert response.status_code == 302 and response["Location"].startswith("/accounts/phone/?next=")
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_reporter_by_mobile_number_only_may_answer(world, submit):
    """A case entered by staff with the resident's number: the resident signs in with that number."""
    case = resolved(world, submit(channel="phone", actor=world.users["rc_worker"]))
    assert case.reporter_user is None
    client = Client()
    client.force_login(world.users["resident"])
    response = client.post(
        f"/t/{case.tracking_token}/feedback/", {"version": case.version, "fixed": "yes", "rating": "basic"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.rating == "basic"


@pytest.mark.frozen("2026-11-27 10:00")
def test_stale_page_gets_the_changed_by_someone_else_message(client_for, world, submit, clock):
    case = resolved(world, submit())
    clock.move_to(f"{case.callback_due} 09:00")  # the resident has not answered; the callback is due
    stale = case.version
    client = client_for("resident")
    client.post(f"/t/{case.tracking_token}/message/", {"text": "请问什么时候修好？"})  # messages keep the version
    services.close_unreachable(actor=world.users["rc_worker"], case=case, note="电话未接通", expected_version=stale)
    response = client.post(
        f"/t/{case.tracking_token}/feedback/", {"version": stale, "fixed": "yes", "rating": "satisfied"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["success", "error"]  # message sent; answer refused
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.rating == ""  # the callback's closure stands


def test_concurrent_version_conflict_is_reported(client_for, world, submit):
    case = submit()
    client = client_for("resident")
    manager = world.users["property_manager"]
    services.accept_case(actor=manager, case=case, expected_version=case.version)
    response = client.post(f"/t/{case.tracking_token}/withdraw/", {"version": case.version})
    assert response.status_code == 302
    messages = [m.level_tag for m in client.get(response["Location"]).context["messages"]]
    assert messages == ["error"]
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_reporter_withdraws_an_open_case(client_for, world, submit):
    case = submit()
    client = client_for("resident")
    html = client.get(case.tracking_url()).content.decode()
    assert 'data-testid="withdraw-form"' in html and "data-confirm=" in html
    response = client.post(f"/t/{case.tracking_token}/withdraw/", {"version": case.version, "reason": "已自行解决"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN and case.end_reason == "已自行解决"
    page = client.get(case.tracking_url())
    assert "withdraw_form" not in page.context and "message_form" not in page.context
    assert "已自行解决" in page.content.decode()


def test_withdraw_is_not_offered_once_resolved(client_for, world, submit):
    case = resolved(world, submit())
    client = client_for("resident")
    assert "withdraw_form" not in client.get(case.tracking_url()).context
    client.post(f"/t/{case.tracking_token}/withdraw/", {"version": case.version})
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_reporter_posts_a_message_and_the_handler_is_told(client_for, world, submit):
    from gongzhi.notifications.models import Notification

    case = submit()
    client = client_for("resident")
    response = client.post(f"/t/{case.tracking_token}/message/", {"text": "<b>楼道</b>还在漏水"})
    assert response.status_code == 302
    message = CaseMessage.objects.get()
    assert message.from_resident and message.author == world.users["resident"]
    assert Notification.objects.filter(user=world.users["property_manager"], text__contains=case.number).exists()
    html = client.get(case.tracking_url()).content.decode()
    assert "&lt;b&gt;楼道&lt;/b&gt;还在漏水" in html
    assert client.post(f"/t/{case.tracking_token}/message/", {"text": ""}).status_code == 200
    assert another_resident().post(f"/t/{case.tracking_token}/message/", {"text": "冒充"}).status_code == 404
    assert CaseMessage.objects.count() == 1


def test_no_messages_on_a_finished_case(client_for, world, submit):
    case = submit()
    services.withdraw_case(actor=world.users["resident"], case=case, expected_version=case.version)
    response = client_for("resident").post(f"/t/{case.tracking_token}/message/", {"text": "还想补充一句"})
    assert response.status_code == 302 and not CaseMessage.objects.exists()


def test_staff_who_see_the_case_get_a_link_to_its_staff_page(client_for, world, submit):
    case = submit()
    assert client_for("property_manager").get(case.tracking_url()).context["staff_url"] == case.get_absolute_url()
    assert "staff_url" not in client_for("outsider").get(case.tracking_url()).context
