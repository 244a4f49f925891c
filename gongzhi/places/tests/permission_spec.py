from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

VIEWERS = (
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
MANAGERS_ANYWHERE = ("office", "rc_worker", "outsider", "admin")
SEE_C1 = (
    "office",
    "leader",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "cross_appointed",
    "admin",
)
MANAGE_C1 = ("office", "rc_worker", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def post_only(expect):
    return {**{p: 405 for p in PERSONAS}, ANON: 302} if expect is None else expect


def routes(world):
    c1, n1 = world.c1, world.n1
    unit = world.unit(c1)
    building = unit.building
    return [
        Route("places:compound_list", expect=ok(VIEWERS)),
        Route("places:neighborhood_list", expect=ok(VIEWERS)),
        Route("places:neighborhood_create", expect=ok(("office", "outsider", "admin"))),
        Route("places:neighborhood_detail", args=(n1.uid,), expect=ok(SEE_C1)),
        Route("places:neighborhood_edit", args=(n1.uid,), expect=ok(("office", "admin"))),
        Route("places:compound_create", expect=ok(MANAGERS_ANYWHERE)),
        Route("places:compound_detail", args=(c1.uid,), expect=ok(SEE_C1)),
        Route(
            "places:compound_detail",
            args=(world.c2.uid,),
            expect=ok(("office", "leader", "party_secretary", "rc_worker", "admin")),
        ),
        Route(
            "places:compound_detail",
            args=(world.c3.uid,),
            expect=ok(("office", "leader", "inspector", "property_manager", "cross_appointed", "admin")),
        ),
        Route("places:compound_detail", args=(world.c4.uid,), expect=ok(("outsider", "admin"))),
        Route("places:compound_edit", args=(c1.uid,), expect=ok(MANAGE_C1)),
        Route("places:compound_renew_invite", args=(c1.uid,), method="POST", expect=ok(MANAGE_C1, 302)),
        Route("places:compound_renew_invite", args=(c1.uid,), expect=post_only(None)),
        Route("places:building_create", args=(c1.uid,), expect=ok(MANAGE_C1)),
        Route("places:building_detail", args=(building.uid,), expect=ok(SEE_C1)),
        Route("places:building_edit", args=(building.uid,), expect=ok(MANAGE_C1)),
        Route("places:unit_create", args=(building.uid,), expect=ok(MANAGE_C1)),
        Route("places:unit_detail", args=(unit.uid,), expect=ok(SEE_C1)),
        Route("places:unit_edit", args=(unit.uid,), expect=ok(MANAGE_C1)),
    ]
