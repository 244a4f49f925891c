"""Who gets what on every URL of the assessments (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) — nothing changes, so the walk is repeatable; whoever may not gets 404.

The office and the leadership group see their town's cycles; the inspection group (世博) sees the
assessments of 世博; each of the four parties sees its own organisation's assessment once the drafts
are shown. Annual cycles are approved by the leadership group only (not the office, not the
platform administrator)."""

from gongzhi.core.tests.matrix import Route, only

from .factories import scenario

VIEWERS = (
    "office", "leader", "inspector", "party_secretary", "rc_worker", "oc_member", "property_manager",
    "cross_appointed", "outsider", "admin",
)  # fmt: skip
TOWN = ("office", "leader", "admin")
OFFICE = ("office", "admin")
OFFICES = ("office", "outsider", "admin")  # assessments.manage in a town
IN_TOWN = (*TOWN, "inspector", "party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    s = scenario(world)
    return [
        Route("assessments:home", expect=ok(VIEWERS)),
        Route("assessments:home", query="state=objections", expect=ok(VIEWERS)),
        Route("assessments:cycle_open", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("assessments:schemes", expect=ok(VIEWERS)),
        Route("assessments:scheme_seed", method="POST", expect=ok(OFFICES, 302)),
        Route("assessments:scheme", args=(s.scheme.uid,), expect=ok(IN_TOWN)),
        Route("assessments:scheme", args=(s.scheme.uid,), method="POST", data={}, expect=ok(OFFICE, 400)),
        Route("assessments:scheme_new_version", args=(s.scheme.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("assessments:scheme_put_in_use", args=(s.scheme.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("assessments:cycle", args=(s.ps.uid,), expect=ok(TOWN)),  # being scored: not shown to the company
        Route("assessments:cycle", args=(s.rc.uid,), expect=ok((*TOWN, "inspector", "rc_worker"))),
        Route(
            "assessments:cycle", args=(s.po.uid,), expect=ok((*TOWN, "inspector", "party_secretary", "cross_appointed"))
        ),  # fmt: skip
        Route("assessments:cycle_export", args=(s.ps.uid,), expect=ok(TOWN)),
        Route(
            "assessments:cycle_export",
            args=(s.po.uid,),
            expect=ok((*TOWN, "inspector", "party_secretary", "cross_appointed")),
        ),  # fmt: skip
        Route("assessments:cycle_act", args=(s.ps.uid, "pull"), method="POST", expect=ok(OFFICE, 400)),
        Route("assessments:cycle_act", args=(s.rc.uid, "approve"), method="POST", expect=ok(("leader",), 400)),
        Route("assessments:cycle_act", args=(s.ps.uid, "nope"), method="POST", expect=ok(())),
        Route("assessments:assessment", args=(s.a_ps.uid,), expect=ok(TOWN)),
        Route("assessments:assessment", args=(s.a_rc1.uid,), expect=ok((*TOWN, "rc_worker"))),
        Route("assessments:assessment", args=(s.a_rc2.uid,), expect=ok((*TOWN, "inspector"))),
        Route("assessments:assessment_score", args=(s.a_ps.uid, s.s_ps.pk), method="POST", expect=ok(OFFICE, 400)),
        Route(
            "assessments:assessment_score",
            args=(s.a_rc2.uid, s.s_rc2.pk),
            method="POST",
            expect=ok((*OFFICE, "inspector"), 400),
        ),  # fmt: skip
        Route(
            "assessments:assessment_object", args=(s.a_rc1.uid,), method="POST", expect=ok(("rc_worker", "admin"), 400)
        ),
        Route("assessments:assessment_object", args=(s.a_rc2.uid,), method="POST", expect=ok(("admin",), 400)),
        Route("assessments:assessment_decide", args=(s.a_rc1.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("assessments:assessment_letter", args=(s.a_po1.uid,), expect=ok((*TOWN, "party_secretary"))),
        Route("assessments:assessment_letter", args=(s.a_rc1.uid,), expect=ok(())),  # not published
        Route("assessments:evidence", args=(s.evidence.uid,), expect=ok((*TOWN, "rc_worker"))),
        Route("assessments:evidence", args=("abcdefghjkmn",), expect=ok(())),
    ]
