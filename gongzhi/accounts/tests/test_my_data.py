"""What the platform holds about me (PIPL right of access; issue 11, finding 4): the page
"My personal data" and its JSON download list every kind of record the platform keeps about the
signed-in person, and nothing of anyone else; both come from one collector, so they agree; each
download is audited; every field that names a user, a person or a mobile number is listed or its
leaving out explained."""

import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts import personal_data
from gongzhi.accounts import services as account_services
from gongzhi.accounts.models import PhoneCode
from gongzhi.cases import services as case_services
from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.core.audit_display import action_label
from gongzhi.core.models import AuditEntry, User
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import Invitee
from gongzhi.notices import services as notice_services
from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import notify
from gongzhi.orgs.models import Residency
from gongzhi.testing import PersonFactory, login_for

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-03-02 10:00")]

PAGE = "/accounts/me/data/"
DOWNLOAD = "/accounts/me/data/download/"


def _report(world, category, phone, name, description, **extra):
    return case_services.Report(
        compound=world.c1,
        category=category,
        description=description,
        reporter_name=name,
        reporter_phone=phone,
        **extra,
    )


def _resident(world, phone: str, name: str, unit):
    person = PersonFactory(town=world.town, name=name, phone=phone)
    Residency.objects.create(
        town=world.town,
        person=person,
        unit=unit,
        relation=Residency.Relation.TENANT,
        status=Residency.Status.VERIFIED,
        source=Residency.Source.STAFF,
    )
    return login_for(person, phone)


@pytest.fixture
def records(world, django_capture_on_commit_callbacks):
    """Every kind of record for 居民甲 (13800000001, the resident persona), and the same kinds for
    居民乙 (13800000002), whose records must never show on 居民甲's page or in their download."""
    install_default_categories(actor=None, town=world.town)
    repair = Category.objects.get(town=world.town, code="REPAIR")
    me, other = world.users["resident"], _resident(world, "13800000002", "居民乙", world.c1.units.last())
    manager, secretary = world.users["property_manager"], world.users["party_secretary"]
    with django_capture_on_commit_callbacks(execute=True):
        # Reported by QR code while signed in; a message; resolved, then answered "fixed, satisfied".
        mine = case_services.submit_case(
            actor=me,
            report=_report(world, repair, "13800000001", "居民甲", "1号楼电梯停运", unit=world.unit(world.c1)),
            channel="qr",
            reporter_user=me,
        )
        case_services.post_message(actor=me, case=mine, text="电梯今天还是不能用")
        mine = case_services.accept_case(actor=manager, case=mine, expected_version=mine.version)
        mine = case_services.resolve_case(
            actor=manager, case=mine, resolution="已更换电梯控制板", expected_version=mine.version
        )
        case_services.record_feedback(
            actor=me, case=mine, fixed=True, rating="satisfied", comment="修得很快", expected_version=mine.version
        )
        # Entered by staff from a phone call, with 居民甲's number: theirs too.
        by_phone = case_services.submit_case(
            actor=world.users["rc_worker"],
            report=_report(world, repair, "13800000001", "居民甲", "楼道灯不亮"),
            channel="phone",
        )
        # 居民乙's own report.
        theirs = case_services.submit_case(
            actor=other,
            report=_report(world, repair, "13800000002", "居民乙", "车库漏水严重"),
            channel="qr",
            reporter_user=other,
        )
        case_services.post_message(actor=other, case=theirs, text="乙的留言")
        # A notice to 新城一村, with an opinion from each.
        closes_on = timezone.localdate() + timedelta(days=7)
        notice = notice_services.create_notice(
            actor=secretary,
            neighborhood=world.n1,
            compounds=[world.c1],
            title="关于增设非机动车棚的通报",
            body="请居民提出意见。",
            responsible=world.orgs["oc1"],
            closes_on=closes_on,
        )
        notice = notice_services.publish_notice(
            actor=secretary, notice=notice, closes_on=closes_on, expected_version=notice.version
        )
        notice_services.submit_opinion(actor=me, notice=notice, unit=world.unit(world.c1), text="车棚请建在北侧")
        notice_services.submit_opinion(actor=other, notice=notice, unit=world.c1.units.last(), text="乙反对建车棚")
        notify(users=[me], text="甲的专属通知")
        notify(users=[other], text="乙的专属通知", sms_phone="13800000002")
        # Sign-in codes for each number.
        account_services.request_phone_code(phone="13800000001", address="203.0.113.7")
        account_services.request_phone_code(phone="13800000002", address="198.51.100.9")
        # 居民甲 invited to a joint meeting as a resident representative.
        meeting = meeting_services.schedule_meeting(
            actor=secretary,
            neighborhood=world.n1,
            title="新城三月联席会议",
            starts_at=timezone.now() + timedelta(days=3),
        )
    Invitee.objects.create(
        meeting=meeting, person=world.people["resident"], name="居民甲", role="居民代表", voting=False
    )
    return {"mine": Case.objects.get(pk=mine.pk), "by_phone": by_phone, "theirs": theirs}


OTHERS = ("13800000002", "居民乙", "车库漏水严重", "乙的留言", "乙反对建车棚", "乙的专属通知", "198.51.100.9")


def _counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'data-testid="section-([a-z_]+)" data-count="(\d+)"', html)}


def _download(client):
    response = client.post(DOWNLOAD)
    assert response.status_code == 200, response.content[:500]
    return response, json.loads(response.content.decode("utf-8"))


def test_the_page_lists_every_kind_of_record_of_the_resident(world, records, client_for):
    response = client_for("resident").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert _counts(html) == {
        "account": 1,
        "people": 1,
        "residencies": 1,
        "cases": 2,
        "opinions": 1,
        "meeting_invitations": 1,
        "notifications": Notification.objects.filter(user=world.users["resident"]).count()
        + Notification.objects.filter(user=None, phone="13800000001").count(),
        "sign_in_codes": 1,
    }
    for text in (
        "13800000001",  # their own number, in full
        "居民甲",
        "新城一村 1号楼 101",
        records["mine"].number,
        records["by_phone"].number,
        "1号楼电梯停运",
        "电梯今天还是不能用",  # their message
        "修得很快",  # their answer
        "关于增设非机动车棚的通报",
        "车棚请建在北侧",
        "甲的专属通知",
        "203.0.113.7",  # the address the code was asked from, as stored
        "新城三月联席会议",
    ):
        assert text in html, text
    # What only staff hold is left off while empty: no posts, no API tokens, no calendar address.
    assert 'data-testid="section-memberships"' not in html
    assert 'data-testid="section-api_tokens"' not in html
    assert PhoneCode.objects.get(phone="13800000001").code_hash not in html


def test_the_download_holds_the_same_as_the_page(world, records, client_for):
    client = client_for("resident")
    page_counts = _counts(client.get(PAGE).content.decode())
    response, data = _download(client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="my-data-20260302.json"'
    assert "居民甲" in response.content.decode("utf-8")  # not \u escapes
    for section in personal_data.sections():
        n = personal_data.count(data, section)
        assert page_counts.get(section.key, 0) == n, section.key
    assert data["generated_at"] == "2026-03-02T10:00:00+08:00"
    assert data["account"]["mobile_number"] == "13800000001"
    assert data["people"][0]["name"] == "居民甲"
    assert data["residencies"][0]["relation"]["code"] == "owner"
    assert data["residencies"][0]["status"]["code"] == "verified"
    cases = {c["number"]: c for c in data["cases"]}
    mine, by_phone = cases[records["mine"].number], cases[records["by_phone"].number]
    assert mine["made_with_this_account"] and not mine["entered_by_staff"]
    assert by_phone["entered_by_staff"] and not by_phone["made_with_this_account"]
    assert by_phone["channel"]["code"] == "phone"
    assert mine["state"] == {
        "code": "closed",
        "label": str(Case.objects.get(pk=records["mine"].pk).get_state_display()),
    }
    assert [m["text"] for m in mine["messages"]] == ["电梯今天还是不能用"]
    assert mine["feedback"]["fixed"] is True and mine["feedback"]["rating"]["code"] == "satisfied"
    assert mine["submitted_at"].startswith("2026-03-02T10:00:00") and mine["submitted_at"].endswith("+08:00")
    assert data["opinions"][0]["text"] == "车棚请建在北侧"
    assert data["meeting_invitations"][0]["title"] == "居民代表"
    (code,) = data["sign_in_codes"]
    assert code == {
        "sent_at": "2026-03-02T10:00:00+08:00",
        "expires_at": code["expires_at"],
        "used": False,
        "used_at": None,
        "wrong_attempts": 0,
        "requested_from": "203.0.113.7",
    }
    assert "甲的专属通知" in [n["text"] for n in data["notifications"]]
    assert data["memberships"] == [] and data["api_tokens"] == [] and data["calendar_address"] is None


def test_nothing_of_another_resident_shows(world, records, client_for):
    client = client_for("resident")
    html = client.get(PAGE).content.decode()
    response, _data = _download(client)
    text = response.content.decode("utf-8")
    for other in (*OTHERS, records["theirs"].number):
        assert other not in html, other
        assert other not in text, other


def test_the_address_names_no_one_else(world, records, client_for):
    """The page is the signed-in person's alone: whatever the address carries, it is theirs."""
    other = User.objects.get(username="13800000002")
    client = client_for("resident")
    html = client.get(f"{PAGE}?user={other.pk}&phone=13800000002&person={other.person.uid}").content.decode()
    assert records["mine"].number in html
    for other in (records["theirs"].number, "居民乙", "车库漏水严重", "乙的专属通知", "198.51.100.9"):
        assert other not in html, other


def test_each_download_is_audited(world, records, client_for):
    me = world.users["resident"]
    client = client_for("resident")
    client.get(PAGE)  # looking is not audited
    assert not AuditEntry.objects.filter(action="core.user.personal_data_export").exists()
    _response, data = _download(client)
    _download(client)
    entries = AuditEntry.objects.filter(action="core.user.personal_data_export").order_by("seq")
    assert entries.count() == 2
    entry = entries.first()
    total = sum(personal_data.count(data, s) for s in personal_data.sections())
    assert (entry.actor, entry.object_type, entry.object_id) == (me, "core.user", str(me.pk))
    assert entry.after == {"records": total}
    assert "13800000001" not in entry.actor_label  # the audit log masks the number


def test_the_downloads_entry_reads_in_words(english):
    assert action_label("core.user.personal_data_export") == "user account · Personal data downloaded by its owner"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    response = client.post(DOWNLOAD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not AuditEntry.objects.filter(action="core.user.personal_data_export").exists()


def test_the_download_is_posted_only(world, client_for):
    client = client_for("resident")
    assert client.get(DOWNLOAD).status_code == 405
    assert not AuditEntry.objects.filter(action="core.user.personal_data_export").exists()


def test_a_resident_with_nothing_yet_sees_each_section_say_so(world):
    client = Client()
    client.force_login(login_for(PersonFactory(town=world.town, name="新居民", phone="13800000009"), "13800000009"))
    html = client.get(PAGE).content.decode()
    counts = _counts(html)
    assert counts == {
        "account": 1,
        "people": 1,
        "residencies": 0,
        "cases": 0,
        "opinions": 0,
        "notifications": 0,
        "sign_in_codes": 0,
    }
    assert html.count('data-testid="empty"') == 5


def test_a_staff_member_sees_their_own_posts(world, client_for):
    html = client_for("rc_worker").get(PAGE).content.decode()
    assert 'data-testid="section-memberships" data-count="1"' in html
    assert "新城居委会" in html and "社工" in html
    _response, data = _download(client_for("rc_worker"))
    assert data["account"]["username"] == "rc_worker"
    assert [m["organization"] for m in data["memberships"]] == ["新城居委会"]
    assert data["residencies"] == [] and data["cases"] == []


def test_the_page_shows_the_latest_50_of_a_list_and_the_download_all(world, client_for):
    me = world.users["resident"]
    Notification.objects.bulk_create([Notification(user=me, text=f"第{i}条通知") for i in range(53)])
    client = client_for("resident")
    html = client.get(PAGE).content.decode()
    assert 'data-testid="section-notifications" data-count="53"' in html
    assert html.count('data-testid="my-data-notification"') == 50
    assert re.search(r'data-testid="more">[^<]*3', html)
    _response, data = _download(client)
    assert len(data["notifications"]) == 53


def test_the_home_page_and_the_menu_link_to_the_page(world, client_for):
    html = client_for("resident").get("/accounts/home/").content.decode()
    assert 'data-testid="my-data-link"' in html and 'href="/accounts/me/data/"' in html
    assert 'data-testid="menu-my-data"' in client_for("office").get("/").content.decode()


def _personal_fields():
    """Every field of a gongzhi model that names a user, a person or holds a mobile number."""
    for model in apps.get_models():
        if not model.__module__.startswith("gongzhi."):
            continue
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue
            related = field.related_model._meta.label if field.is_relation and field.related_model else ""
            if related in ("core.User", "orgs.Person") or (
                isinstance(field, models.CharField) and "phone" in field.name
            ):
                yield model._meta.label_lower, field.name


def test_every_personal_field_is_listed_or_its_leaving_out_explained():
    sections, not_included = personal_data.discover()
    covered = {c for s in sections for c in s.covers}
    unexplained = [
        f"{model}.{name}"
        for model, name in _personal_fields()
        if not {model, f"{model}.{name}"} & (covered | set(not_included))
    ]
    assert not unexplained, f"Neither listed on 'My personal data' nor explained in NOT_INCLUDED: {unexplained}"
    assert not covered & set(not_included)


def test_the_page_and_the_download_take_as_many_queries_for_many_records(world, records, client_for):
    client = client_for("resident")

    def queries():
        with CaptureQueriesContext(connection) as page:
            client.get(PAGE)
        with CaptureQueriesContext(connection) as download:
            client.post(DOWNLOAD)
        return len(page), len(download)

    queries()  # the first download starts the platform's audit chain
    before = queries()
    me = world.users["resident"]
    repair = Category.objects.get(town=world.town, code="REPAIR")
    for n in range(3):
        case = case_services.submit_case(
            actor=me,
            report=_report(world, repair, "13800000001", "居民甲", f"第{n}个问题"),
            channel="qr",
            reporter_user=me,
        )
        case_services.post_message(actor=me, case=case, text=f"第{n}条留言")
    assert queries() == before
