"""Who gets what on every URL of the inspections (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) or, for the checklist buttons, a redirect with the reason flashed (302) — nothing
changes, so the walk is repeatable; whoever may not gets 404.

The inspector is in group g1, which covers 世博 (n2): 世博家园 (c3) is theirs, 新城二村 (c2, group
g3's) is not — a 404. The property company serves 世博家园 and answers its order."""

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
    "gov_staff",
    "cross_appointed",
    "outsider",
    "admin",
)
# Who sees 世博家园 (c3): the town, group g1, the property company serving it, 世博's party
# organisation (the cross-appointed member), the platform administrator.
SEE_C3 = ("office", "leader", "inspector", "property_manager", "cross_appointed", "admin")
# Who sees 新城二村 (c2): the town and 新城's party organisation and residents' committee.
SEE_C2 = ("office", "leader", "party_secretary", "rc_worker", "admin")
INSPECT_C3 = ("office", "inspector", "admin")
OFFICE = ("office", "admin")
OFFICES = ("office", "outsider", "admin")  # inspections.settings in a town


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    s = scenario(world)
    return [
        Route("inspections:home", expect=ok(VIEWERS)),
        Route("inspections:visit_new", expect=ok(INSPECT_C3)),
        Route("inspections:visit_new", method="POST", data={}, expect=ok(INSPECT_C3)),
        Route("inspections:visit", args=(s.planned.uid,), expect=ok(SEE_C3)),
        Route("inspections:visit", args=(s.done_visit.uid,), expect=ok(SEE_C3)),
        Route("inspections:visit", args=(s.foreign.uid,), expect=ok(SEE_C2)),  # the inspector: 404
        Route("inspections:visit_submit", args=(s.planned.uid,), method="POST", expect=ok(INSPECT_C3, 400)),
        Route("inspections:visit_submit", args=(s.foreign.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("inspections:visit_cancel", args=(s.planned.uid,), method="POST", expect=ok(INSPECT_C3, 302)),
        Route("inspections:visit_cancel", args=(s.foreign.uid,), method="POST", expect=ok(OFFICE, 302)),
        Route("inspections:confirm_case", args=(s.done_visit.uid,), method="POST", expect=ok(INSPECT_C3, 400)),
        Route("inspections:photo", args=(s.finding_photo.uid,), expect=ok(SEE_C3)),
        Route("inspections:photo", args=("abcdefghjkmn",), expect=ok(())),
        Route("inspections:orders", expect=ok(VIEWERS)),
        Route("inspections:order", args=(s.order.uid,), expect=ok(SEE_C3)),
        Route(
            "inspections:order_answer",
            args=(s.order.uid,),
            method="POST",
            expect=ok(("property_manager", "admin"), 400),
        ),
        Route("inspections:order_close", args=(s.order.uid,), method="POST", expect=ok(INSPECT_C3, 400)),
        Route("inspections:order_send_back", args=(s.order.uid,), method="POST", expect=ok(INSPECT_C3, 400)),
        Route("inspections:checklists", expect=ok(OFFICES)),
        Route("inspections:checklist_new", expect=ok(OFFICES)),
        Route("inspections:checklist", args=(s.checklist.uid,), expect=ok(OFFICE)),
        Route("inspections:checklist_edit", args=(s.draft.uid,), expect=ok(OFFICE)),
        Route("inspections:checklist_edit", args=(s.checklist.uid,), expect=ok(())),  # published: frozen
        Route("inspections:checklist_publish", args=(s.draft.uid,), method="POST", expect=ok(OFFICE, 302)),
        Route("inspections:checklist_revise", args=(s.checklist.uid,), method="POST", expect=ok(OFFICE, 302)),
        Route("inspections:settings", expect=ok(OFFICES)),
        Route("inspections:report", expect=ok(OFFICES)),
        Route("inspections:report_export", expect=ok(OFFICES)),
    ]
