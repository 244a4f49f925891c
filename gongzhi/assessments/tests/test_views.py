"""The assessments' pages: the office opens a quarter and runs it through the cycle page; an
assessor's refused score keeps what was typed; the assessed organisation objects; drill-down links;
Excel and the result letter."""

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.assessments.models import Cycle, Scheme, Score

from .factories import assessment_of, manual_score, opened, scenario, seeded

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-01-11 10:00")]


def client_for(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_the_office_opens_a_quarter_and_pulls_its_figures_from_the_pages(world):
    seeded(world)
    office = client_for(world, "office")
    page = office.get(reverse("assessments:home"))
    assert "Open a cycle" in page.content.decode()
    ps = Scheme.objects.get(town=world.town, subject_kind="property_service", state="in_use")
    refused = office.post(reverse("assessments:cycle_open"), {"scheme": ps.uid, "period": "2027Q1"})
    assert refused.status_code == 400
    assert "This period has not ended yet" in refused.content.decode()
    assert 'value="2027Q1"' in refused.content.decode()  # what was typed is kept
    done = office.post(reverse("assessments:cycle_open"), {"scheme": ps.uid, "period": "2026Q4"})
    cycle = Cycle.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("assessments:cycle", args=[cycle.uid])
    page = office.get(done["Location"]).content.decode()
    assert "Pull the platform figures" in page
    office.post(reverse("assessments:cycle_act", args=[cycle.uid, "pull"]), {"version": cycle.version})
    cycle.refresh_from_db()
    assert cycle.state == "scoring"
    a = assessment_of(cycle, compound=world.c1)
    page = office.get(reverse("assessments:assessment", args=[a.uid])).content.decode()
    assert "Rectification orders answered late or not at all (events)" in page
    assert "0 rectification orders due in the period not answered by their due date" in page
    assert page.count('data-testid="score-form"') == 6  # five manual indicators and the survey without figure
    # the leader sees the page, without forms
    page = client_for(world, "leader").get(reverse("assessments:assessment", args=[a.uid])).content.decode()
    assert 'data-testid="score-form"' not in page and "Pull the platform figures" not in page


def test_a_refused_score_keeps_what_the_assessor_typed(world):
    cycle = opened(world)
    a = assessment_of(cycle, compound=world.c3)
    score = manual_score(a)
    url = reverse("assessments:assessment_score", args=[a.uid, score.pk])
    inspector = client_for(world, "inspector")
    prefix = f"s{score.pk}"
    too_many = inspector.post(url, {f"{prefix}-points": "30", f"{prefix}-reason": "楼道整洁，垃圾日产日清",
                                    f"{prefix}-version": score.version})  # fmt: skip
    assert too_many.status_code == 400
    body = too_many.content.decode()
    assert "Points are from 0 to 25, at most one decimal." in body and "楼道整洁，垃圾日产日清" in body
    saved = inspector.post(url, {f"{prefix}-points": "23.5", f"{prefix}-reason": "楼道整洁",
                                 f"{prefix}-version": score.version})  # fmt: skip
    assert saved.status_code == 302
    stale = client_for(world, "office").post(url, {f"{prefix}-points": "10", f"{prefix}-reason": "有堆物",
                                                    f"{prefix}-version": score.version})  # fmt: skip
    assert stale.status_code == 400
    assert "Someone else changed this record" in stale.content.decode() and "有堆物" in stale.content.decode()
    assert Score.objects.get(pk=score.pk).points == D("23.5")


def test_the_assessed_objects_and_the_office_decides_from_the_pages(world):
    s = scenario(world)
    page = client_for(world, "rc_worker").get(reverse("assessments:assessment", args=[s.a_rc1.uid])).content.decode()
    assert "居民议事会次数未计入" in page and 'data-testid="objection-form"' not in page  # one objection
    office = client_for(world, "office")
    url = reverse("assessments:assessment_decide", args=[s.a_rc1.uid])
    manual = manual_score(s.a_rc1)
    refused = office.post(url, {"reason": "核实后加分", "score": manual.pk, "version": s.a_rc1.version})
    assert refused.status_code == 400 and "Give the new points." in refused.content.decode()
    done = office.post(url, {"reason": "核实后维持", "score": "", "version": s.a_rc1.version})
    assert done.status_code == 302
    s.a_rc1.objection.refresh_from_db()
    assert s.a_rc1.objection.decision == "upheld"


def test_the_published_cycle_ranks_exports_and_writes_letters(world):
    s = scenario(world)
    leader = client_for(world, "leader")
    page = leader.get(reverse("assessments:cycle", args=[s.po.uid])).content.decode()
    assert "Published: the results are frozen" in page and "新城党总支" in page and "世博党总支" in page
    workbook = load_workbook(BytesIO(leader.get(reverse("assessments:cycle_export", args=[s.po.uid])).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert any(r and "新城党总支" in r for r in rows)
    letter = client_for(world, "party_secretary").get(reverse("assessments:assessment_letter", args=[s.a_po1.uid]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    # the party secretary sees only its own organisation's line
    page = client_for(world, "party_secretary").get(reverse("assessments:cycle", args=[s.po.uid])).content.decode()
    assert "新城党总支" in page and "世博党总支" not in page


def test_the_office_drafts_edits_and_puts_a_new_scheme_version_in_use(world):
    ps = seeded(world)["property_service"]
    office = client_for(world, "office")
    made = office.post(reverse("assessments:scheme_new_version", args=[ps.uid]), {"version": ps.version})
    draft = Scheme.objects.get(subject_kind="property_service", number=2)
    assert made["Location"] == reverse("assessments:scheme", args=[draft.uid])
    page = office.get(made["Location"]).content.decode()
    assert "保洁 | 公共区域保洁、垃圾分类与清运 | 25 | manual" in page
    lines = "保洁 | 公共区域保洁 | 40 | manual\n住户满意 | 住户满意度 | 50 | formula surveys.satisfaction 60 95"
    data = {"name": "物业服务季度考评（2027版）", "period_kind": "quarter", "total_weight": 100,
            "indicators": lines, "bands": "合格 | 60 | 95\n不合格 | 0 | 70 | fail", "version": draft.version}  # fmt: skip
    refused = office.post(reverse("assessments:scheme", args=[draft.uid]), data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "The indicators&#x27; points add up to 90; the scheme requires 100." in body and "2027版" in body
    data["indicators"] = lines.replace("| 40 |", "| 50 |")
    assert office.post(reverse("assessments:scheme", args=[draft.uid]), data).status_code == 302
    draft.refresh_from_db()
    used = office.post(reverse("assessments:scheme_put_in_use", args=[draft.uid]), {"version": draft.version})
    assert used.status_code == 302
    assert Scheme.objects.get(pk=draft.pk).state == "in_use" and Scheme.objects.get(pk=ps.pk).state == "retired"
    assert (
        'data-testid="scheme-form"' not in office.get(reverse("assessments:scheme", args=[draft.uid])).content.decode()
    )


def test_an_owners_committee_failing_two_quarters_in_a_row_is_warned_of_re_election(world, clock):
    from datetime import timedelta

    from gongzhi.assessments import services

    from .factories import drafts_shown, score_all

    for period in ("2026Q3", "2026Q4"):
        cycle = opened(world, "owners_committee", period)
        score_all(world, cycle, points=D(0), reason="未公示")
        cycle = drafts_shown(world, cycle)
        clock.move_to(f"{cycle.objection_until + timedelta(days=1)} 10:00")
        cycle = services.close_objections(actor=world.users["office"], cycle=cycle, version=cycle.version)
        cycle = services.approve(actor=world.users["office"], cycle=cycle, version=cycle.version)
        cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    oc1 = assessment_of(cycle, organization=world.orgs["oc1"])
    assert oc1.failed_twice and oc1.band == "不合格"
    response = client_for(world, "oc_member").get(reverse("assessments:assessment", args=[oc1.uid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "the re-election of the owners' committee is due to be started" in page
    listing = client_for(world, "office").get(reverse("assessments:cycle", args=[cycle.uid])).content.decode()
    assert listing.count('data-testid="failed-twice"') == 2  # oc1 and oc3
