"""Who gets what on every URL of the credit files (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) — nothing changes, so the walk is repeatable; whoever may not gets 404.

申江物业 (pc) serves 新城一村 (c1, n1) and 世博家园 (c3, n2): everyone who works with one of them
reads its file and its manager's. 浦东物业 (pc2) serves only 新城二村 (c2, n1): the town and 新城's
party organisation and residents' committee read it; the owners' committee of c1, the inspection
group of n2, the other company and the cross-appointed member (世博's party organisation, c1's
owners' committee) do not."""

from gongzhi.core.tests.matrix import Route, only

from .factories import scenario

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
SEE_PC = (
    "office",
    "leader",
    "inspector",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "cross_appointed",
    "admin",
)
SEE_PC2 = ("office", "leader", "party_secretary", "rc_worker", "admin")
PC = ("property_manager", "admin")
OFFICE = ("office", "admin")
OFFICES = ("office", "outsider", "admin")  # credit.manage in a town


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    s = scenario(world)
    return [
        Route("credit:home", expect=ok(VIEWERS)),
        Route("credit:home", query="state=objected", expect=ok(VIEWERS)),
        Route("credit:export", expect=ok(VIEWERS)),
        Route("credit:company", args=(s.pc.uid,), expect=ok(SEE_PC)),
        Route("credit:company", args=(s.pc2.uid,), expect=ok(SEE_PC2)),
        Route("credit:company", args=(world.orgs["police"].uid,), expect=ok(())),  # not a property company
        Route("credit:company_report", args=(s.pc.uid,), expect=ok(SEE_PC)),
        Route("credit:company_report", args=(s.pc2.uid,), expect=ok(SEE_PC2)),
        Route("credit:manager", args=(s.manager.uid,), expect=ok(SEE_PC)),
        Route("credit:manager", args=(world.people["pc2_manager"].uid,), expect=ok(SEE_PC2)),
        Route("credit:manager", args=(world.people["office"].uid,), expect=ok(())),  # not a manager
        Route("credit:record", args=(s.record.uid,), expect=ok(SEE_PC)),
        Route("credit:record", args=(s.manager_record.uid,), expect=ok(SEE_PC)),
        Route("credit:record", args=(s.pc2_record.uid,), expect=ok(SEE_PC2)),
        Route("credit:evidence", args=(s.evidence.uid,), expect=ok(SEE_PC)),
        Route("credit:evidence", args=("abcdefghjkmn",), expect=ok(())),
        Route("credit:record_object", args=(s.record.uid,), method="POST", expect=ok(PC, 400)),
        Route("credit:record_object", args=(s.pc2_record.uid,), method="POST", expect=ok(("admin",), 400)),
        Route("credit:record_correction", args=(s.record.uid,), method="POST", expect=ok(PC, 400)),
        Route("credit:record_decide", args=(s.objected.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("credit:record_check", args=(s.asked.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("credit:record_new", expect=ok(OFFICES)),
        Route("credit:record_new", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("credit:settings", expect=ok(OFFICES)),
        Route("credit:settings", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("credit:public", args=(world.town.code,), expect=only({}, default=200, anonymous=200)),
        Route("credit:public", args=("nosuchtown",), expect=only({}, default=404, anonymous=404)),
    ]
