"""Who gets what on every orgs URL (walked by core/tests/test_permission_matrix.py).

Rows created here for the mutations (a duty, a membership, claims, a member unit, a coverage row
of a group without members) change nobody's scope, so the other apps' expectations hold."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only
from gongzhi.orgs.models import Body, BodyCoverage, BodyMemberUnit, Duty, Organization, Residency, ServiceContract
from gongzhi.places.models import Unit
from gongzhi.testing import BodyFactory, MembershipFactory, PersonFactory, on

ORG_VIEWERS = tuple(p for p in PERSONAS if p != "resident")  # orgs.view somewhere
PEOPLE_VIEWERS = tuple(p for p in ORG_VIEWERS if p != "gov_staff")  # people.view somewhere
TOWN_MANAGERS = ("office", "outsider", "admin")  # town.manage / people.manage in some town
MANAGE_PJ = ("office", "admin")  # town.manage / people.manage in 浦江镇
BINDERS = ("office", "party_secretary", "rc_worker", "cross_appointed", "outsider", "admin")  # residents.bind
# Whoever sees 新城 (n1), wholly or through one of its compounds.
SEE_N1 = (
    "office",
    "leader",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "cross_appointed",
    "admin",
)
SEE_N2 = ("office", "leader", "inspector", "property_manager", "cross_appointed", "admin")
BIND_C1 = ("office", "party_secretary", "rc_worker", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def get_is_405():
    return {**{p: 405 for p in PERSONAS}, ANON: 302}


def routes(world):
    town, c1 = world.town, world.c1
    po1, po2 = world.orgs["po1"], world.orgs["po2"]
    g1, office_body = world.bodies["g1"], world.bodies["office"]
    unit = world.unit(c1)
    contract_c1 = ServiceContract.objects.get(compound=c1)
    contract_c2 = ServiceContract.objects.get(compound=world.c2)

    duty = Duty.objects.create(town=town, party=Organization.Kind.PARTY_ORG, order=1, text="召集联席会议")
    member = MembershipFactory(person=PersonFactory(town=town, name="委员乙"), organization=po1, title="委员")
    member_unit = BodyMemberUnit.objects.create(body=g1, label="房管办", order=1)
    unstaffed = BodyFactory(town=town, kind=Body.Kind.INSPECTION_GROUP, number=9, name="第九检查组")
    coverage = BodyCoverage.objects.create(body=unstaffed, compound=c1)
    claims = {}
    for key, status in (("verify", "claimed"), ("reject", "claimed"), ("end", "verified")):
        claims[key] = Residency.objects.create(
            town=town,
            person=PersonFactory(town=town),
            unit=unit,
            relation=Residency.Relation.TENANT,
            status=status,
            source=Residency.Source.INVITE,
        )
    unit_c3 = Unit.objects.filter(compound=world.c3).first()

    return [
        # Organisations
        Route("orgs:organization_list", expect=ok(ORG_VIEWERS)),
        Route("orgs:organization_list", query="kind=party_org&q=新城", expect=ok(ORG_VIEWERS)),
        Route("orgs:organization_create", expect=ok(TOWN_MANAGERS)),
        Route("orgs:organization_create", method="POST", data={}, expect=ok(TOWN_MANAGERS)),
        Route("orgs:organization_detail", args=(po1.uid,), expect=ok(SEE_N1)),
        Route("orgs:organization_detail", args=(po2.uid,), expect=ok(SEE_N2)),
        Route(
            "orgs:organization_detail",
            args=(world.orgs["police"].uid,),
            expect=ok(("office", "leader", "gov_staff", "admin")),
        ),
        Route("orgs:organization_detail", args=(world.orgs["oc4"].uid,), expect=ok(("outsider", "admin"))),
        Route("orgs:organization_edit", args=(po1.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:organization_edit", args=(po1.uid,), method="POST", data={}, expect=ok(MANAGE_PJ)),
        # Bodies
        Route("orgs:body_list", expect=ok(ORG_VIEWERS)),
        Route("orgs:inspection_overlap_rule", args=(world.town.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:inspection_overlap_rule", args=(world.town.uid,), method="POST", data={}, expect=ok(MANAGE_PJ)),
        Route("orgs:inspection_overlap_rule", args=(world.other.uid,), expect=ok(("outsider", "admin"))),
        Route("orgs:body_detail", args=(g1.uid,), expect=ok(SEE_N2)),
        Route("orgs:body_detail", args=(office_body.uid,), expect=ok(("office", "leader", "admin"))),
        Route("orgs:body_edit", args=(g1.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:body_member_unit_add", args=(g1.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:body_member_unit_add", args=(g1.uid,), method="POST", data={}, expect=ok(MANAGE_PJ)),
        # The office removes the row first; for the platform admin, who comes later, it is gone.
        Route(
            "orgs:body_member_unit_remove",
            args=(g1.uid, member_unit.pk),
            method="POST",
            expect=only({"office": 302, "admin": 404}),
        ),
        Route("orgs:body_member_unit_remove", args=(g1.uid, member_unit.pk), expect=get_is_405()),
        Route("orgs:body_coverage_add", args=(g1.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:body_coverage_add", args=(office_body.uid,), expect=ok(MANAGE_PJ, 302)),
        Route(
            "orgs:body_coverage_remove",
            args=(unstaffed.uid, coverage.pk),
            method="POST",
            expect=only({"office": 302, "admin": 404}),
        ),
        Route("orgs:body_coverage_remove", args=(unstaffed.uid, coverage.pk), expect=get_is_405()),
        # People and memberships
        Route("orgs:person_list", expect=ok(PEOPLE_VIEWERS)),
        Route("orgs:person_list", query="term=ending&q=139", expect=ok(PEOPLE_VIEWERS)),
        Route("orgs:person_create", expect=ok(TOWN_MANAGERS)),
        Route("orgs:person_create", method="POST", data={}, expect=ok(TOWN_MANAGERS)),
        Route("orgs:person_detail", args=(world.people["party_secretary"].uid,), expect=ok(SEE_N1)),
        Route(
            "orgs:person_detail",
            args=(world.people["inspector"].uid,),
            expect=ok(("office", "leader", "inspector", "admin")),
        ),
        Route("orgs:person_edit", args=(world.people["party_secretary"].uid,), expect=ok(MANAGE_PJ)),
        # A number in full only where the reader's people.contact grant reaches the person.
        Route(
            "orgs:person_phone",
            args=(world.people["party_secretary"].uid,),
            method="POST",
            expect=ok(("office", "party_secretary", "rc_worker", "admin")),
        ),
        Route(
            "orgs:person_phone",
            args=(world.people["resident"].uid,),
            method="POST",
            expect=ok(("office", "party_secretary", "rc_worker", "admin")),  # not cross_appointed (oc1 seat)
        ),
        Route("orgs:person_phone", args=(world.people["party_secretary"].uid,), expect=get_is_405()),
        Route("orgs:membership_add", args=(world.people["party_secretary"].uid,), expect=ok(MANAGE_PJ)),
        Route(
            "orgs:membership_add",
            args=(world.people["party_secretary"].uid,),
            method="POST",
            data={},
            expect=ok(MANAGE_PJ),
        ),
        Route("orgs:membership_edit", args=(member.uid,), expect=ok(MANAGE_PJ)),
        Route("orgs:membership_end", args=(member.uid,), expect=ok(MANAGE_PJ)),
        Route(
            "orgs:membership_end",
            args=(member.uid,),
            method="POST",
            # without a version: whoever may end it gets the form back with the error (and the date
            # kept), so the walk over the personas changes nothing; whoever may not gets a 404
            data={"end": on(0).isoformat()},
            expect=ok(MANAGE_PJ),
        ),
        # Service contracts
        Route("orgs:contract_list", expect=ok(ORG_VIEWERS)),
        Route("orgs:contract_list", query="ending=soon&status=current", expect=ok(ORG_VIEWERS)),
        Route("orgs:contract_create", expect=ok(TOWN_MANAGERS)),
        Route("orgs:contract_create", method="POST", data={}, expect=ok(TOWN_MANAGERS)),
        Route("orgs:contract_detail", args=(contract_c1.uid,), expect=ok(SEE_N1)),
        # The ended contract of 新城二村: its neighborhood's staff and the company itself.
        Route(
            "orgs:contract_detail",
            args=(contract_c2.uid,),
            expect=ok(("office", "leader", "party_secretary", "rc_worker", "property_manager", "admin")),
        ),
        Route("orgs:contract_edit", args=(contract_c1.uid,), expect=ok(MANAGE_PJ)),
        # Duty lists
        Route("orgs:duty_list", expect=ok(ORG_VIEWERS)),
        Route("orgs:duty_create", expect=ok(TOWN_MANAGERS)),
        Route("orgs:duty_edit", args=(duty.uid,), expect=ok(MANAGE_PJ)),
        Route(
            "orgs:duty_retire",
            args=(duty.uid,),
            method="POST",
            data={"retired": "1", "version": 1},
            expect=ok(MANAGE_PJ, 302),
        ),
        Route("orgs:duty_retire", args=(duty.uid,), expect=get_is_405()),
        # Residents' ties to units
        Route("orgs:residency_claims", expect=ok(BINDERS)),
        Route("orgs:residency_bind", args=(unit.uid,), expect=ok(BIND_C1)),
        Route("orgs:residency_bind", args=(unit.uid,), method="POST", data={}, expect=ok(BIND_C1)),
        # 世博家园 is in 世博: the cross-appointed person binds there as its party organisation's
        # member; the owners'-committee seat in 新城一村 carries no binding right.
        Route("orgs:residency_bind", args=(unit_c3.uid,), expect=ok(("office", "cross_appointed", "admin"))),
        Route(
            "orgs:residency_verify",
            args=(claims["verify"].uid,),
            method="POST",
            data={"version": 1},
            expect=ok(BIND_C1, 302),
        ),
        Route("orgs:residency_verify", args=(claims["verify"].uid,), expect=get_is_405()),
        Route(
            "orgs:residency_reject",
            args=(claims["reject"].uid,),
            method="POST",
            data={"version": 1},
            expect=ok(BIND_C1, 302),
        ),
        Route("orgs:residency_reject", args=(claims["reject"].uid,), expect=get_is_405()),
        Route(
            "orgs:residency_end", args=(claims["end"].uid,), method="POST", data={"version": 1}, expect=ok(BIND_C1, 302)
        ),
        Route("orgs:residency_end", args=(claims["end"].uid,), expect=get_is_405()),
    ]
