"""Permission-matrix routes of the joint meetings (see gongzhi/core/tests/matrix.py). Actions are
posted without their forms' data: whoever may take the action gets the page back with the
form's errors (400) and nothing changes, so the walk is repeatable; whoever may not gets 404."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

from .scenario import build

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
# Who sees 新城 (n1): the town, the neighborhood's party organisation and residents' committee, the
# owners' committee of 新城一村 and the property company serving it (and the cross-appointed member
# of that owners' committee), the platform administrator.
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
CHAIR_N1 = ("office", "party_secretary", "admin")
CHAIRS = ("office", "party_secretary", "cross_appointed", "outsider", "admin")  # meetings.chair somewhere
PARTIES_N1 = ("party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed")
OC1 = ("oc_member", "cross_appointed")


def ok(personas, status=200):
    return only({p: status for p in personas})


def post_only():
    return {**{p: 405 for p in PERSONAS}, ANON: 302}


def everyone(status):
    return {**{p: status for p in PERSONAS}, ANON: status}


def _draft_file(report, by):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from gongzhi.meetings.models import AnnualReportFile

    from .scenario import PDF

    row = AnnualReportFile(report=report, name="述职材料.pdf", size=len(PDF), added_by=by, added_at=timezone.now())
    row.file.save(row.name, ContentFile(PDF), save=False)
    row.save()
    return row


def routes(world):
    s = build(world)
    from gongzhi.meetings.models import CalendarFeed
    from gongzhi.meetings.models.feeds import hash_feed_token

    feed_token = "a" * 43  # only its hash is stored
    CalendarFeed.objects.create(user=world.users["party_secretary"], token_hash=hash_feed_token(feed_token))
    m, live, ended, item = s.planned.uid, s.live.uid, s.ended.uid, s.item.uid
    invitee = s.live.invitees.first().uid
    return [
        Route("meetings:list", expect=ok(VIEWERS)),
        Route("meetings:list", query="show=past", expect=ok(VIEWERS)),
        Route("meetings:new", expect=ok(CHAIRS)),
        Route("meetings:resolutions", expect=ok(VIEWERS)),
        Route("meetings:resolutions", query="show=overdue", expect=ok(VIEWERS)),
        Route("meetings:resolutions", query="source=congress&role=lead", expect=ok(VIEWERS)),
        # The residents' congress's tasks: recorded by the residents' committee and the chair side.
        Route("meetings:congress_task_new", expect=ok((*CHAIRS, "rc_worker"))),
        Route("meetings:congress_task_new", method="POST", data={}, expect=ok((*CHAIRS, "rc_worker"))),
        Route("meetings:resolution_export", query="show=all", expect=ok(VIEWERS)),
        Route("meetings:compliance", expect=ok(VIEWERS)),
        Route("meetings:settings", expect=ok(("office", "outsider", "admin"))),
        Route("meetings:feed", expect=ok(VIEWERS)),
        Route("meetings:feed_ics", args=(feed_token,), expect=everyone(200)),
        Route("meetings:feed_ics", args=("b" * 43,), expect=everyone(404)),
        Route("meetings:detail", args=(m,), expect=ok(SEE_N1)),
        Route("meetings:detail", args=(live,), expect=ok(SEE_N1)),
        Route("meetings:act", args=(m, "invite"), method="POST", expect=ok(CHAIR_N1, 400)),
        Route("meetings:act", args=(m, "cancel"), method="POST", expect=ok(CHAIR_N1, 400)),
        Route("meetings:act", args=(m, "nonsense"), method="POST", expect=ok(())),
        Route("meetings:act", args=(m, "invite"), expect=post_only()),
        Route("meetings:remove_invitee", args=(live, invitee), method="POST", expect=ok(CHAIR_N1, 302)),
        Route("meetings:propose", args=(m,), expect=ok(("office", "admin", *PARTIES_N1))),
        Route("meetings:ics", args=(m,), expect=ok(SEE_N1)),
        Route("meetings:minutes", args=(ended,), expect=ok(SEE_N1)),
        Route("meetings:minutes", args=(m,), expect=ok(())),  # no minutes yet
        Route("meetings:minutes_pdf", args=(ended,), expect=ok(SEE_N1)),
        Route("meetings:minutes_act", args=(ended, "edit"), method="POST", expect=ok(CHAIR_N1, 400)),
        Route("meetings:item", args=(item,), expect=ok(SEE_N1)),
        Route("meetings:item_act", args=(item, "notes"), method="POST", expect=ok(CHAIR_N1, 400)),
        Route(
            "meetings:item_act",
            args=(item, "position"),
            method="POST",
            expect=ok(("office", "admin", *PARTIES_N1), 400),
        ),
        Route(
            "meetings:item_act",
            args=(item, "withdraw"),
            method="POST",
            expect=ok(("office", "admin", "party_secretary", *OC1), 400),
        ),
        Route("meetings:item_file", args=(item, s.attachment.uid), expect=ok(SEE_N1)),
        Route("meetings:resolution", args=(s.resolution.uid,), expect=ok(SEE_N1)),
        Route(
            "meetings:resolution_act",
            args=(s.resolution.uid, "progress"),
            method="POST",
            expect=ok((*OC1, "property_manager"), 400),
        ),
        Route("meetings:resolution_act", args=(s.resolution.uid, "check"), method="POST", expect=ok(CHAIR_N1, 400)),
        Route("meetings:evidence_file", args=(s.resolution.uid, s.evidence.uid), expect=ok(SEE_N1)),
        Route("meetings:annual_report", args=(s.report.uid,), expect=ok(SEE_N1)),
        # Anyone who sees the report may post its form: a refusal is the page with the reason (400).
        Route(
            "meetings:annual_report",
            args=(s.report.uid,),
            method="POST",
            data={"action": "save"},
            expect=ok(SEE_N1, 400),
        ),
        Route("meetings:annual_reports", expect=ok(VIEWERS)),
        Route("meetings:annual_reports", query="year=2026&show=due", expect=ok(VIEWERS)),
        # A draft's file is the company's until the report is submitted.
        Route(
            "meetings:annual_report_file",
            args=(s.report.uid, _draft_file(s.report, world.users["property_manager"]).uid),
            expect=ok(("property_manager",)),
        ),
    ]
