"""Who gets what on every URL of the quarterly evaluation (walked by
core/tests/test_permission_matrix.py). In the personas' world the quarter is open; 新城's party
organisation has reported (with a file); the first inspection group (covering 世博) has recorded a
forum there with one opinion. The government unit's staff and the resident see nothing; the other
town's office sees its own (empty) list only."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.core.tests.matrix import Route, only

VIEW_LIST = (
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
IN_TOWN = tuple(p for p in VIEW_LIST if p != "outsider")
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
RECORD_N2 = ("office", "inspector", "admin")
RECORD_N1 = ("office", "admin")
# The parties of 新城 that have not reported yet (its party organisation has).
REPORT_N1 = ("rc_worker", "oc_member", "property_manager", "cross_appointed")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    from gongzhi.evaluations import services

    from .factories import open_quarter, part_of, record_forum

    evaluation = open_quarter(world)
    n1, n2 = part_of(evaluation, world.n1), part_of(evaluation, world.n2)
    report = services.submit_report(
        actor=world.users["party_secretary"],
        part=n1,
        organization=world.orgs["po1"],
        text="本季度组织召开联席会议三次。",
        file=SimpleUploadedFile("汇报.pdf", b"%PDF-1.4 report", content_type="application/pdf"),
    )
    forum = record_forum(world, n2, actor="inspector")
    opinion = services.add_opinion(
        actor=world.users["inspector"],
        forum=forum,
        text="地下车库照明不足。",
        organization=world.orgs["pc"],
        asks_for_action=True,
    )
    e, f = evaluation.uid, forum.uid
    return [
        Route("evaluations:list", expect=ok(VIEW_LIST)),
        Route("evaluations:new", expect=ok(("office", "outsider", "admin"))),
        Route("evaluations:new", method="POST", data={}, expect=ok(("office", "outsider", "admin"), 400)),
        Route("evaluations:detail", args=(e,), expect=ok(IN_TOWN)),
        Route("evaluations:export", args=(e,), expect=ok(IN_TOWN)),
        # An empty form (no version): refused, back to the quarter's page with the reason.
        Route("evaluations:close", args=(e,), method="POST", data={}, expect=ok(("office", "admin"), 302)),
        Route("evaluations:close", args=(e,), expect=ok(("office", "outsider", "admin"), 405)),
        Route("evaluations:neighborhood", args=(n1.uid,), expect=ok(SEE_N1)),
        Route("evaluations:neighborhood", args=(n2.uid,), expect=ok(SEE_N2)),
        Route("evaluations:report_new", args=(n1.uid,), expect=ok(REPORT_N1)),
        Route("evaluations:report_new", args=(n1.uid,), method="POST", data={}, expect=ok(REPORT_N1, 400)),
        Route("evaluations:report", args=(n1.uid, report.uid), expect=ok(SEE_N1)),
        Route("evaluations:report_file", args=(n1.uid, report.uid), expect=ok(SEE_N1)),
        Route("evaluations:report", args=(n2.uid, report.uid), expect=ok(())),  # not a party of 世博
        Route("evaluations:forum_new", args=(n2.uid,), expect=ok(RECORD_N2)),
        Route("evaluations:forum_new", args=(n1.uid,), expect=ok(RECORD_N1)),
        Route("evaluations:forum_new", args=(n2.uid,), method="POST", data={}, expect=ok(RECORD_N2, 400)),
        Route("evaluations:forum", args=(f,), expect=ok(SEE_N2)),
        Route("evaluations:opinion_new", args=(f,), expect=ok(RECORD_N2)),
        Route("evaluations:opinion_new", args=(f,), method="POST", data={}, expect=ok(RECORD_N2, 400)),
        Route("evaluations:opinion_edit", args=(f, opinion.uid), expect=ok(RECORD_N2)),
        Route("evaluations:opinion_edit", args=(f, opinion.uid), method="POST", data={}, expect=ok(RECORD_N2, 400)),
        # Sent as a rectification order by the group covering a compound of 世博 (no compound chosen: 400).
        Route(
            "evaluations:opinion_follow_up",
            args=(f, opinion.uid),
            method="POST",
            data={},
            expect=ok(RECORD_N2, 400),
        ),
    ]
