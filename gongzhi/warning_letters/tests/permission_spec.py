"""Who gets what on every URL of the warning letters (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) — nothing changes, so the walk is repeatable; whoever may not gets 404.

The office, the leadership group and the inspection groups read the letters of their area (a
letter to 申江物业 about 新城一村 is in 新城, outside group g1's 世博); each of the four parties reads
only the letters sent to its own organisation; drafts are the office's alone. The outsider is the
office of another town: it reaches the list and its own town's office pages, never these letters."""

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
OFFICE = ("office", "admin")
OFFICES = ("office", "outsider", "admin")  # warnings.manage in a town
TO_PC = ("office", "leader", "property_manager", "admin")
TO_PO2 = ("office", "leader", "inspector", "cross_appointed", "admin")
TO_OC1 = ("office", "leader", "oc_member", "cross_appointed", "admin")
PC = ("property_manager", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    s = scenario(world)
    return [
        Route("warnings:home", expect=ok(VIEWERS)),
        Route("warnings:home", query="state=draft&overdue=1", expect=ok(VIEWERS)),
        Route("warnings:export", expect=ok(VIEWERS)),
        Route("warnings:letter", args=(s.draft.uid,), expect=ok(OFFICE)),
        Route("warnings:letter", args=(s.sent.uid,), expect=ok(TO_PC)),
        Route("warnings:letter", args=(s.answered.uid,), expect=ok(TO_PC)),
        Route("warnings:letter", args=(s.po2.uid,), expect=ok(TO_PO2)),
        Route("warnings:letter", args=(s.oc1.uid,), expect=ok(TO_OC1)),
        Route("warnings:letter_pdf", args=(s.sent.uid,), expect=ok(TO_PC)),
        Route("warnings:letter_pdf", args=(s.draft.uid,), expect=ok(())),  # no number, no PDF
        Route("warnings:evidence", args=(s.evidence.uid,), expect=ok(TO_PC)),
        Route("warnings:evidence", args=("abcdefghjkmn",), expect=ok(())),
        Route("warnings:letter_approve", args=(s.draft.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("warnings:letter_discard", args=(s.draft.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("warnings:letter_acknowledge", args=(s.sent.uid,), method="POST", expect=ok(PC, 400)),
        Route(
            "warnings:letter_acknowledge",
            args=(s.po2.uid,),
            method="POST",
            expect=ok(("cross_appointed", "admin"), 400),
        ),
        Route("warnings:letter_answer", args=(s.acknowledged.uid,), method="POST", expect=ok(PC, 400)),
        Route("warnings:letter_verify", args=(s.answered.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("warnings:letter_escalate", args=(s.sent.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("warnings:letter_new", expect=ok(OFFICES)),
        Route("warnings:letter_new", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("warnings:settings", expect=ok(OFFICES)),
        Route("warnings:settings", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("warnings:templates", expect=ok(OFFICES)),
        Route("warnings:template", args=("notice",), expect=ok(OFFICES)),
        Route("warnings:template", args=("notice",), method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("warnings:template", args=("nonsense",), expect=ok(())),
    ]
