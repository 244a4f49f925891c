"""Numbers nobody can game (issue 9): a commitment counts only when given before the deadline,
extensions are limited and recorded, callbacks only once due and never by the handling side,
answers from the handling organisation's people are recorded but not counted, staff cannot report
through the residents' channel, and password logins are only for people holding a post. Each
path with the rule of docs/metrics.md it tests. The clock stands still at a known day."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases import services, stats
from gongzhi.cases.models import Case, CaseSettings, CaseStats
from gongzhi.cases.town_settings import SETTINGS_CACHE
from gongzhi.cases.workflow import State
from gongzhi.core import process_cache
from gongzhi.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-02 10:00")]  # a Monday


@pytest.fixture(autouse=True)
def _english():
    """Refusals are asserted in the source language (English), whatever the catalogues say."""
    from django.utils import translation

    with translation.override("en"):
        yield


def accepted(case, world):
    return services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)


def explain(case, world, committed: date):
    return services.explain_case(
        actor=world.users["property_manager"],
        case=case,
        explanation="配件需要订购，到货后更换",
        committed_date=committed,
        expected_version=case.version,
    )


def resolve(case, world):
    return services.resolve_case(
        actor=world.users["property_manager"], case=case, resolution="已更换水管", expected_version=case.version
    )


def counters(world) -> dict[str, int]:
    rows = CaseStats.objects.filter(town=world.town)
    return {name: sum(getattr(r, name) for r in rows) for name in CaseStats.COUNTERS}


def set_town(world, **values):
    CaseSettings.objects.update_or_create(town=world.town, defaults=values)
    process_cache.forget(SETTINGS_CACHE)


# --- Deadlines: commitments and extensions ------------------------------------------------------


def test_a_commitment_given_in_time_moves_the_deadline_and_counts_when_kept(world, submit, clock):
    case = accepted(submit(), world)
    assert case.resolve_due == date(2026, 11, 9)  # five working days
    case = explain(case, world, date(2026, 11, 20))
    assert (case.commitment_in_time, case.resolve_due, case.late) == (True, date(2026, 11, 20), False)
    clock.move_to("2026-11-19 15:00")  # past the first deadline, before the committed date
    services.sweep(clock.today)
    case = resolve(Case.objects.get(pk=case.pk), world)
    assert (case.handled_in_time, case.late) == (True, False)
    assert counters(world)["handled_in_time"] == 1


def test_a_commitment_kept_late_is_late(world, submit, clock):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    clock.move_to("2026-11-23 10:00")
    assert services.sweep(clock.today)["resolve_overdue"] == 1
    case = resolve(Case.objects.get(pk=case.pk), world)
    assert (case.handled_in_time, case.late) == (False, True)
    assert counters(world)["handled_in_time"] == 0 and counters(world)["overdue"] == 1


def test_an_explanation_after_the_deadline_is_recorded_but_the_case_stays_late(world, submit, clock, client_for):
    case = accepted(submit(), world)
    clock.move_to("2026-11-11 10:00")  # the resolve-by date (11-09) has passed; the sweep has not run
    case = explain(case, world, date(2026, 11, 30))
    assert case.state == State.EXPLAINED and case.commitment_in_time is False
    assert case.resolve_due == date(2026, 11, 9)  # not moved
    assert case.resolve_overdue and case.late
    assert case.committed_date == date(2026, 11, 30) and "配件" in case.commitment  # recorded, shown
    case = resolve(case, world)
    assert case.handled_in_time is False
    assert counters(world)["handled_in_time"] == 0 and counters(world)["accepted"] == 1
    page = client_for("property_manager").get(case.get_absolute_url()).content.decode()
    assert 'data-testid="late-commitment"' in page


def test_an_explanation_after_the_sweep_marked_the_case_overdue_does_not_clear_it(world, submit, clock):
    case = accepted(submit(), world)
    clock.move_to("2026-11-10 10:00")
    services.sweep(clock.today)
    case = explain(Case.objects.get(pk=case.pk), world, date(2026, 11, 30))
    assert case.resolve_overdue and case.commitment_in_time is False and case.resolve_due == date(2026, 11, 9)


def test_a_second_explanation_is_an_extension_not_a_new_commitment(world, submit):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    with pytest.raises(ValidationError):
        explain(case, world, date(2026, 12, 20))
    assert Case.objects.get(pk=case.pk).resolve_due == date(2026, 11, 20)


def extend(case, world, committed: date, reason="施工队延期进场"):
    return services.extend_commitment(
        actor=world.users["property_manager"],
        case=case,
        committed_date=committed,
        reason=reason,
        expected_version=case.version,
    )


def test_one_extension_by_default_with_its_reason_in_the_timeline(world, submit, client_for):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    case = extend(case, world, date(2026, 11, 27))
    assert (case.resolve_due, case.committed_date, case.extension_count) == (date(2026, 11, 27),) * 2 + (1,)
    entry = AuditEntry.objects.get(action="cases.case.extend", object_id=str(case.pk))
    assert entry.after["reason"] == "施工队延期进场" and entry.after["extension_count"] == 1
    with pytest.raises(ValidationError) as refused:
        extend(case, world, date(2026, 12, 4))
    assert "1 extension" in str(refused.value)
    assert Case.objects.get(pk=case.pk).resolve_due == date(2026, 11, 27)
    page = client_for("property_manager").get(case.get_absolute_url()).content.decode()
    assert "施工队延期进场" in page and "已延期 1 次" in page  # the page is in Chinese
    track = client_for("resident").get(case.tracking_url()).content.decode()
    assert "2026-11-27" in track


def test_the_town_sets_how_many_extensions(world, submit):
    set_town(world, max_extensions=2)
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    case = extend(extend(case, world, date(2026, 11, 27)), world, date(2026, 12, 4))
    assert case.extension_count == 2 and case.resolve_due == date(2026, 12, 4)
    set_town(world, max_extensions=0)
    other = explain(accepted(submit(description="楼道灯不亮，晚上看不清"), world), world, date(2026, 11, 20))
    with pytest.raises(ValidationError, match="does not allow"):
        extend(other, world, date(2026, 11, 27))


def test_no_extension_once_the_committed_date_has_passed(world, submit, clock):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    clock.move_to("2026-11-23 09:00")
    with pytest.raises(ValidationError, match="too late"):
        extend(case, world, date(2026, 11, 30))
    refreshed = Case.objects.get(pk=case.pk)
    assert refreshed.extension_count == 0 and refreshed.resolve_due == date(2026, 11, 20)


def test_an_extension_must_move_the_date_later(world, submit):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    with pytest.raises(ValidationError) as refused:
        extend(case, world, date(2026, 11, 18))
    assert "committed_date" in refused.value.message_dict


def test_the_extend_form_keeps_what_was_typed_when_refused(world, submit, client_for):
    case = explain(accepted(submit(), world), world, date(2026, 11, 20))
    client = client_for("property_manager")
    url = f"/cases/{case.uid}/act/extend/"
    assert client.post(url, {"version": case.version, "committed_date": "2026-11-27", "reason": "施工队延期进场"})[
        "Location"
    ]
    case.refresh_from_db()
    response = client.post(url, {"version": case.version, "committed_date": "2026-12-04", "reason": "再次延期的理由"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "再次延期的理由" in page and "2026-12-04" in page
    # The extension is no longer offered where it cannot be used.
    assert "/act/extend/" not in client.get(case.get_absolute_url()).content.decode()


def lives_in_c1(world, persona: str) -> None:
    """The persona owns a unit of 新城一村, confirmed by the residents' committee."""
    from gongzhi.orgs.models import Residency

    Residency.objects.create(
        town=world.town,
        person=world.people[persona],
        unit=world.unit(world.c1),
        relation="owner",
        status="verified",
        source="staff",
    )


# --- Callbacks and answers ------------------------------------------------------------------------


def resolved(case, world):
    return resolve(accepted(case, world), world)


def callback(case, user, fixed=True, rating="satisfied"):
    return services.record_feedback(
        actor=user, case=case, fixed=fixed, rating=rating, by_callback=True, expected_version=case.version
    )


def test_a_callback_waits_until_it_is_due(world, submit, clock, client_for):
    case = resolved(submit(), world)
    assert case.callback_due == date(2026, 11, 5)  # three working days after resolution
    with pytest.raises(ValidationError, match="due from 2026-11-05"):
        callback(case, world.users["rc_worker"])
    with pytest.raises(ValidationError):
        services.close_unreachable(
            actor=world.users["rc_worker"], case=case, note="电话未接", expected_version=case.version
        )
    page = client_for("rc_worker").get(case.get_absolute_url()).content.decode()
    assert "/act/callback/" not in page  # the form is not offered before it is due
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED
    clock.move_to("2026-11-05 09:00")
    assert "/act/callback/" in client_for("rc_worker").get(case.get_absolute_url()).content.decode()
    case = callback(case, world.users["rc_worker"])
    assert case.state == State.CLOSED and case.followup_valid and case.feedback_not_counted == ""


def test_the_resident_may_answer_at_once(world, submit):
    case = resolved(submit(), world)
    case = services.record_feedback(
        actor=world.users["resident"], case=case, fixed=True, rating="basic", expected_version=case.version
    )
    assert case.state == State.CLOSED and case.followup_valid
    assert counters(world)["rated_basic"] == 1


def test_the_handling_organisation_never_calls_its_own_case_back(world, submit, categories, clock, client_for):
    """A residents' committee handling a case (治安安全) does not grade itself: the party
    organisation calls back instead."""
    case = submit(category=categories["SECURITY"])
    assert case.handler == world.orgs["rc1"]
    rc = world.users["rc_worker"]
    case = services.accept_case(actor=rc, case=case, expected_version=case.version)
    case = services.resolve_case(actor=rc, case=case, resolution="加强巡逻", expected_version=case.version)
    clock.move_to(f"{case.callback_due} 09:00")
    with pytest.raises(PermissionDenied):
        callback(case, rc)
    with pytest.raises(PermissionDenied):
        services.close_unreachable(actor=rc, case=case, note="电话未接", expected_version=case.version)
    assert "/act/callback/" not in client_for("rc_worker").get(case.get_absolute_url()).content.decode()
    case = callback(Case.objects.get(pk=case.pk), world.users["party_secretary"])
    assert case.state == State.CLOSED and case.followup_valid


def test_a_co_handling_organisation_does_not_call_back_either(world, submit, clock):
    case = resolved(submit(), world)
    case = services.set_co_handlers(
        actor=world.users["rc_worker"], case=case, organizations=[world.orgs["rc1"]], expected_version=case.version
    )
    clock.move_to(f"{case.callback_due} 09:00")
    with pytest.raises(PermissionDenied):
        callback(case, world.users["rc_worker"])


def test_an_answer_from_the_handling_organisations_people_is_recorded_not_counted(world, report, client_for):
    """The property manager reports a leak as a resident of the compound and rates the handling of
    their own company."""
    manager = world.users["property_manager"]
    manager.phone = "13900000009"
    manager.save(update_fields=["phone"])
    lives_in_c1(world, "property_manager")
    case = services.submit_case(
        actor=manager,
        report=report(description="自家楼道水管漏水", reporter_phone="13900000009"),
        channel="qr",
        reporter_user=manager,
    )
    case = resolved(case, world)
    before = counters(world)
    case = services.record_feedback(
        actor=manager, case=case, fixed=True, rating="satisfied", expected_version=case.version
    )
    assert case.state == State.CLOSED and case.rating == "satisfied"  # recorded
    assert case.feedback_not_counted == Case.NotCounted.HANDLER_MEMBER and case.followup_valid is False
    after = counters(world)
    assert after["rated_satisfied"] == before["rated_satisfied"] and after["closed_valid"] == before["closed_valid"]
    assert after["answer_not_counted"] == before["answer_not_counted"] + 1
    page = client_for("office").get(case.get_absolute_url()).content.decode()
    assert 'data-testid="answer-not-counted"' in page


def test_closed_unreachable_is_counted_apart(world, submit, clock):
    case = resolved(submit(), world)
    clock.move_to(f"{case.callback_due} 09:00")
    services.close_unreachable(
        actor=world.users["rc_worker"], case=case, note="三次电话未接", expected_version=case.version
    )
    c = counters(world)
    assert (c["closed_unreachable"], c["closed_valid"]) == (1, 0)


def test_fixed_after_reopening_is_kept_apart(world, submit):
    resident = world.users["resident"]
    case = resolved(submit(), world)
    case = services.record_feedback(
        actor=resident, case=case, fixed=False, rating="unsatisfied", expected_version=case.version
    )
    case = resolve(case, world)
    services.record_feedback(actor=resident, case=case, fixed=True, rating="basic", expected_version=case.version)
    c = counters(world)
    assert (c["closed_valid"], c["confirmed_fixed"], c["confirmed_fixed_reopened"]) == (1, 0, 1)
    snapshot = counters(world)
    stats.rebuild([world.town.pk])
    assert counters(world) == snapshot


def test_rebuilding_every_town_counts_each_case_once(world, submit, clock):
    """`rebuild()` without towns (`manage.py rebuild_case_stats`) finds the towns of the cases once
    each — the cases' default ordering once made it rebuild a town per distinct submission time."""
    for _ in range(3):
        submit()
        clock.shift(minutes=5)
    snapshot = counters(world)
    assert stats.rebuild() == Case.objects.count() == 3
    assert counters(world) == snapshot


# --- Who may report through the residents' channel, and who gets a password ----------------------


def test_staff_cannot_file_a_resident_report(world, report, client_for, categories):
    with pytest.raises(ValidationError) as refused:
        services.submit_case(
            actor=world.users["rc_worker"], report=report(), channel="qr", reporter_user=world.users["rc_worker"]
        )
    assert refused.value.code == "staff"
    assert not Case.objects.exists()
    client = client_for("rc_worker")
    page = client.get(f"/r/{world.c1.uid}/")
    assert 'data-testid="staff-not-resident"' in page.content.decode()
    assert 'data-testid="report-form"' not in page.content.decode()
    assert client.post(f"/r/{world.c1.uid}/", {"description": "测试工作人员冒充居民"}).status_code == 403
    assert not Case.objects.exists()


def test_staff_may_report_where_they_live(world, report):
    lives_in_c1(world, "oc_member")
    owner = world.users["oc_member"]
    case = services.submit_case(actor=owner, report=report(), channel="qr", reporter_user=owner)
    assert case.channel == "qr"
    with pytest.raises(ValidationError):  # not in another compound
        services.submit_case(actor=owner, report=report(compound=world.c2), channel="qr", reporter_user=owner)


def test_a_password_login_only_for_people_holding_a_post(world, client_for):
    from django.contrib.auth.hashers import make_password

    from gongzhi.accounts import services as accounts
    from gongzhi.orgs.models import Person

    resident = world.people["resident"]
    password_before = world.users["resident"].password
    with pytest.raises(ValidationError, match="only for people who hold a post"):
        accounts.set_login_password(
            actor=world.users["office"], user=world.users["resident"], raw_password="x-Secret-2026"
        )
    newcomer = Person.objects.create(town=world.town, name="新居民", phone="13900000077")
    with pytest.raises(ValidationError):
        accounts.create_login(
            actor=world.users["office"], person=newcomer, username="newcomer", password_hash=make_password("x")
        )
    office = client_for("office")
    assert "/login/" not in office.get(resident.get_absolute_url()).content.decode().split("</h1>")[1][:2000]
    page = office.get(f"/accounts/people/{resident.uid}/login/")
    assert 'data-testid="password-refused"' in page.content.decode()
    assert (
        office.post(f"/accounts/people/{resident.uid}/login/", {"password1": "x", "password2": "x"}).status_code == 403
    )
    world.users["resident"].refresh_from_db()
    assert world.users["resident"].password == password_before
    # Staff still get their logins.
    page = office.get(f"/accounts/people/{world.people['rc_worker'].uid}/login/").content.decode()
    assert 'name="password1"' in page
