"""The awards' services: a round from opening to announcement, and every refusal said in words
with nothing written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.awards import services
from gongzhi.awards.models import AwardSettings, Candidate, Round
from gongzhi.core.models import AuditEntry
from gongzhi.core.workflow import ConcurrentEditError
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.tests.factories import by_hand, name_manager

from .factories import TODAY, YEAR, candidate, company_year, open_round, stewards_year

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def nominate(world, c, who="office", reason="全年零投诉，组织居民议事会12次"):
    c.refresh_from_db()
    return services.nominate(actor=world.users[who], candidate=c, version=c.version, reason=reason)


def test_a_good_manager_round_from_opening_to_announcement(world, client):
    manager = name_manager(world)
    company_year(world)
    office, leader = world.users["office"], world.users["leader"]
    r = open_round(world, "good_manager")
    pc, m = candidate(r, organization=world.orgs["pc"]), candidate(r, person=manager)
    nominate(world, pc)
    with pytest.raises(PermissionDenied):  # group g1 covers 世博 (c3); the manager runs 新城一村 (c1)
        nominate(world, m, who="inspector")
    nominate(world, m)
    r.refresh_from_db()
    r = services.submit(actor=office, round_=r, version=r.version)
    assert r.state == "submitted"
    r = services.approve(actor=leader, round_=r, version=r.version)
    assert set(r.candidates.filter(awarded=True).values_list("group", flat=True)) == {"property_company", "manager"}
    r = services.announce(actor=office, round_=r, version=r.version, text="经领导小组审定，现予公布。")
    assert r.state == "announced"
    records = CreditRecord.objects.filter(category="awards.award")
    assert set(records.values_list("kind", "points", "manager_id")) == {("good", 10, None), ("good", 10, manager.pk)}
    pc.refresh_from_db()
    assert pc.credit_record.source_key == f"awards:{pc.uid}"
    page = client.get(f"/awards/public/{world.town.code}/").content.decode()
    assert "申江物业" in page and f"{manager.name}（申江物业）" in page and "经领导小组审定" in page
    # announced: frozen
    with pytest.raises(ValidationError, match="has been announced"):
        services.announce(actor=office, round_=r, version=r.version)
    with pytest.raises(ValidationError, match="has been announced"):
        services.refresh(actor=office, round_=r, version=r.version)
    assert records.count() == 2


def test_the_inspection_group_nominates_only_in_the_places_it_covers(world):
    stewards_year(world)
    r = open_round(world, "good_steward")
    with pytest.raises(PermissionDenied):  # 新城 (n1) is not the group's
        nominate(world, candidate(r, organization=world.orgs["po1"]), who="inspector")
    rc2 = nominate(world, candidate(r, organization=world.orgs["rc2"]), who="inspector")  # 世博 (n2)
    assert (rc2.nominated_by, rc2.rank, rc2.proposed) == (world.users["inspector"], 1, True)
    with pytest.raises(PermissionDenied):  # the leadership group approves, it does not nominate
        nominate(world, candidate(r, organization=world.orgs["po1"]), who="leader")


def test_nominations_refused_in_words(world):
    stewards_year(world, po2="80.0")
    r = open_round(world, "good_steward")
    po2 = candidate(r, organization=world.orgs["po2"])
    with pytest.raises(ValidationError, match="世博党总支 is not eligible: The year's assessment figure 80.0"):
        nominate(world, po2)
    po1 = candidate(r, organization=world.orgs["po1"])
    with pytest.raises(ValidationError, match="Say why"):
        nominate(world, po1, reason="  ")
    nominate(world, po1)
    with pytest.raises(ValidationError, match="already nominated"):
        nominate(world, po1)
    stale = Candidate.objects.get(pk=po1.pk)
    services.withdraw_nomination(actor=world.users["office"], candidate=stale, version=stale.version)
    with pytest.raises(ConcurrentEditError):  # the page was opened before the withdrawal
        services.nominate(actor=world.users["office"], candidate=stale, version=stale.version, reason="再次推荐")
    assert not Candidate.objects.get(pk=po1.pk).nominated


def test_the_standard_check_takes_no_nominations(world):
    company_year(world)
    r = open_round(world, "excellent_company")
    with pytest.raises(ValidationError, match="takes no nominations"):
        nominate(world, candidate(r, organization=world.orgs["pc"]))


def test_nothing_to_submit_and_who_approves(world):
    stewards_year(world)
    office = world.users["office"]
    r = open_round(world, "good_steward")
    with pytest.raises(ValidationError, match="Nobody is proposed yet"):
        services.submit(actor=office, round_=r, version=r.version)
    nominate(world, candidate(r, organization=world.orgs["po1"]))
    r.refresh_from_db()
    r = services.submit(actor=office, round_=r, version=r.version)
    with pytest.raises(PermissionDenied):  # the office carries every permission, but is not the group
        services.approve(actor=office, round_=r, version=r.version)
    with pytest.raises(ValidationError, match="at the step “Before the leadership group”: you cannot nominate now"):
        nominate(world, candidate(r, organization=world.orgs["rc1"]))
    leader = world.users["leader"]
    with pytest.raises(ValidationError, match="Say why"):
        services.send_back(actor=leader, round_=r, version=r.version, reason="")
    r = services.send_back(actor=leader, round_=r, version=r.version, reason="请补充居委会的推荐")
    assert (r.state, r.returned_reason) == ("open", "请补充居委会的推荐")
    nominate(world, candidate(r, organization=world.orgs["rc2"]))
    r.refresh_from_db()
    r = services.submit(actor=office, round_=r, version=r.version)
    assert r.returned_reason == ""
    r = services.approve(actor=leader, round_=r, version=r.version)
    with pytest.raises(ValidationError, match="you cannot approve now"):  # approved twice
        services.approve(actor=leader, round_=r, version=r.version)
    r = services.announce(actor=office, round_=r, version=r.version)
    # neighborhood organisations have no credit file: nothing written
    assert not CreditRecord.objects.filter(category="awards.award").exists()
    assert list(r.candidates.filter(awarded=True).values_list("organization__code", flat=True)) == ["po1", "rc2"]


def test_checking_again_drops_a_nomination_no_longer_eligible(world):
    company_year(world)
    r = open_round(world, "good_manager")
    nominate(world, candidate(r, organization=world.orgs["pc"]))
    by_hand(world, kind="serious", points=20)
    r.refresh_from_db()
    r = services.refresh(actor=world.users["office"], round_=r, version=r.version)
    pc = candidate(r, organization=world.orgs["pc"])
    assert (pc.eligible, pc.nominated, pc.proposed) == (False, False, False)
    entry = AuditEntry.objects.filter(action="awards.round.refresh").latest("pk")
    assert entry.after["dropped"] == 1


def test_a_round_once_a_year_and_a_year_that_has_begun(world):
    open_round(world, "good_steward")
    with pytest.raises(ValidationError, match="already open"):
        open_round(world, "good_steward")
    with pytest.raises(ValidationError, match="a year that has begun"):
        services.open_round(actor=world.users["office"], town=world.town, year=2028, kind="good_steward")
    with pytest.raises(PermissionDenied):  # another town's office
        services.open_round(actor=world.users["outsider"], town=world.town, year=YEAR, kind="good_manager")
    assert Round.objects.count() == 1


def test_settings_are_checked_before_anything_is_written(world):
    office = world.users["office"]
    with pytest.raises(ValidationError) as refused:
        services.save_settings(actor=office, town=world.town, steward_min_score=120, excellent_min_quarters=5)
    assert set(refused.value.error_dict) == {"steward_min_score", "excellent_min_quarters"}
    assert not AwardSettings.objects.exists()
    saved = services.save_settings(actor=office, town=world.town, places=3)
    with pytest.raises(ConcurrentEditError):
        services.save_settings(actor=office, town=world.town, version=saved.version + 1, places=4)
    assert AwardSettings.for_town(world.town.pk).places == 3


def test_my_data_lists_the_managers_candidacies(world, client):
    from gongzhi.accounts.personal_data import discover

    manager = name_manager(world)  # the property_manager persona runs 新城一村
    company_year(world)
    r = open_round(world, "good_manager")
    nominate(world, candidate(r, person=manager), reason="报修件件有回音")
    section = next(x for x in discover()[0] if x.key == "award_candidacies")
    rows = section.collect(world.users["property_manager"])
    assert len(rows) == 1
    row = rows[0]
    # c1 only: (96 + 94) ÷ 2 = 95.0
    assert (row["year"], row["award"]["code"], row["figure"], row["eligible"], row["nominated"]) == (
        YEAR,
        "good_manager",
        "95.0",
        True,
        True,
    )
    assert (row["nomination"], row["company"], row["exclusions"]) == ("报修件件有回音", "申江物业", [])
    assert section.collect(world.users["office"]) == []
