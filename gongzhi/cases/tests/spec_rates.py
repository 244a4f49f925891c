"""Permission-matrix routes of gongzhi/cases/views/rates.py (see gongzhi/core/tests/matrix.py)."""

from datetime import timedelta

from django.utils import timezone

from gongzhi.core.tests.matrix import ANON, Route, only
from gongzhi.testing import PERSONAS

# cases.rates: every staff role but the government unit's staff (who only handle their own cases).
RATES = (
    "office",
    "leader",
    "inspector",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "cross_appointed",
    "outsider",
    "admin",
)
WHOLE_N1 = ("office", "leader", "party_secretary", "rc_worker", "admin")  # the whole neighborhood 新城
SEE_C1 = (*WHOLE_N1, "oc_member", "property_manager", "cross_appointed")
ROUTE_C1 = ("office", "party_secretary", "rc_worker", "admin")  # cases.route over 新城一村


def ok(personas, status=200):
    return only({p: status for p in personas})


def _hotspot(world):
    """Three parking complaints in 新城一村 this week: a hotspot under the default rule (3 in 30 days)."""
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case

    install_default_categories(actor=None, town=world.town)
    parking = Category.objects.get(town=world.town, code="PARKING")
    for i in range(3):
        submit_case(
            actor=world.users["rc_worker"],
            channel="phone",
            report=Report(
                compound=world.c1, category=parking, description=f"消防通道被占用 {i}", reporter_phone=f"1370000000{i}"
            ),
        )
    return parking


def routes(world):
    parking = _hotspot(world)
    month = timezone.localdate().strftime("%Y-%m")
    earlier = (timezone.localdate() - timedelta(days=62)).strftime("%Y-%m")
    drill = f"counter=submitted&start={earlier}&end={month}"
    c1, n1, town = world.c1, world.n1, world.town
    return [
        Route("cases:rates", expect=ok(RATES)),
        Route("cases:rates", query=f"at=town.{town.uid}", expect=ok(("office", "leader", "admin"))),
        Route("cases:rates", query=f"at=neighborhood.{n1.uid}", expect=ok(WHOLE_N1)),
        Route("cases:rates", query=f"at=compound.{c1.uid}&grain=quarter", expect=ok(SEE_C1)),
        Route("cases:rates", query=f"at=compound.{world.c4.uid}", expect=ok(("outsider", "admin"))),
        Route(
            "cases:rates",
            query=f"at=organization.{world.orgs['pc'].uid}",
            expect=ok((*SEE_C1, "inspector")),  # the company serves compounds of every one of these areas
        ),
        Route("cases:rates", query="at=all", expect=ok(("admin",))),
        Route("cases:rates_export", query=f"at=neighborhood.{n1.uid}&grain=year", expect=ok(WHOLE_N1)),
        Route("cases:rates_export", expect=ok(RATES)),
        Route("cases:rates_cases", query=f"at=compound.{c1.uid}&{drill}", expect=ok(SEE_C1)),
        Route("cases:rates_cases", query=f"at=town.{town.uid}&{drill}", expect=ok(("office", "leader", "admin"))),
        Route("cases:hotspots", expect=ok(RATES)),
        Route("cases:hotspot_cases", args=(c1.uid, parking.uid), expect=ok(SEE_C1)),
        Route(
            "cases:hotspot_propose",
            args=(c1.uid, parking.uid),
            method="POST",
            data={"note": "请联席会议协调"},
            expect=ok(ROUTE_C1, 302),
        ),
        Route("cases:hotspot_propose", args=(c1.uid, parking.uid), expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        Route("cases:proposals", expect=ok(RATES)),
    ]
