"""Permission-matrix routes of gongzhi/cases/views/staff.py (see gongzhi/core/tests/matrix.py).

Actions are POSTed without a version: whoever may take the action gets the case page back with
the form's error (200) and nothing changes, so the walk over the personas is repeatable; whoever
may not gets a 404."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

VIEW_CASES = (
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
ENTER = (
    "office",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "cross_appointed",
    "outsider",
    "admin",
)
ENTER_C1 = ("office", "party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed", "admin")
LOG_VISITS = ("office", "party_secretary", "rc_worker", "cross_appointed", "outsider", "admin")
# Who sees a case in 新城一村 (c1): the town, neighborhood n1, the compound's owners' committee and
# its property company (which handles it).
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
# A case in 世博家园 (c3), neighborhood n2.
SEE_C3 = ("office", "leader", "inspector", "property_manager", "cross_appointed", "admin")
# A case in 新城二村 (c2) handed to the police station.
SEE_POLICE = ("office", "leader", "party_secretary", "rc_worker", "gov_staff", "admin")
ROUTERS_N1 = ("office", "party_secretary", "rc_worker", "admin")  # cases.route over n1
COMMITTEE = ("oc_member", "cross_appointed")  # seats in 新城一村's owners' committee (oc1)

PHOTO_NAME = "cases/matrix/photo.png"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
    b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def ok(personas, status=200):
    return only({p: status for p in personas})


def post_only():
    return {**{p: 405 for p in PERSONAS}, ANON: 302}


def _cases(world):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import CasePhoto, Category
    from gongzhi.cases.services import Report, log_visit, reassign_case, submit_case

    install_default_categories(actor=None, town=world.town)
    categories = {c.code: c for c in Category.objects.filter(town=world.town)}
    rc_worker = world.users["rc_worker"]
    visit = log_visit(actor=rc_worker, compound=world.c1, visited_on=timezone.localdate(), household="王阿姨家")
    c1 = submit_case(
        actor=rc_worker,
        report=Report(
            compound=world.c1,
            category=categories["REPAIR"],
            description="走访中反映：楼道水管漏水",
            reporter_name="王阿姨",
            reporter_phone="13900000009",
        ),
        channel="visit",
        visit=visit,
    )
    c3 = submit_case(
        actor=None,
        report=Report(compound=world.c3, category=categories["GREENERY"], description="绿化带杂草丛生无人修剪"),
        channel="phone",
    )
    police = submit_case(
        actor=None,
        report=Report(compound=world.c2, category=categories["SECURITY"], description="夜间有人撬电动车锁"),
        channel="phone",
    )
    police = reassign_case(
        actor=None,
        case=police,
        organization=world.orgs["police"],
        reason="治安案件，转派出所",
        expected_version=police.version,
    )
    # A case 新城一村's owners' committee handles (业委会事务): the cross-appointed persona holds a
    # seat in that committee and routing/callback rights only in 世博 (issue 9, finding 3).
    committee = submit_case(
        actor=None,
        report=Report(compound=world.c1, category=categories["OWNERS"], description="维修资金使用情况希望公开"),
        channel="phone",
    )
    if not default_storage.exists(PHOTO_NAME):
        default_storage.save(PHOTO_NAME, ContentFile(PNG))
    photo = CasePhoto.objects.create(
        case=c1,
        image=PHOTO_NAME,
        extension="png",
        content_type="image/png",
        width=1,
        height=1,
        size=len(PNG),
        sha256="0" * 64,
    )
    return c1, c3, police, visit, photo, committee


def routes(world):
    c1, c3, police, visit, photo, committee = _cases(world)
    return [
        Route("cases:inbox", expect=ok(VIEW_CASES)),
        Route("cases:inbox", query="box=all&q=漏水&overdue=on&submitted_from=2020-01-01", expect=ok(VIEW_CASES)),
        Route("cases:case_new", expect=ok(ENTER)),
        Route("cases:case_new", query=f"compound={world.c1.uid}", expect=ok(ENTER_C1)),
        Route("cases:case_detail", args=(c1.uid,), expect=ok(SEE_C1)),
        Route("cases:case_detail", args=(c3.uid,), expect=ok(SEE_C3)),
        Route("cases:case_detail", args=(police.uid,), expect=ok(SEE_POLICE)),
        # accept: the handling organisation only (the property company for c1).
        Route("cases:act", args=(c1.uid, "accept"), method="POST", expect=ok(("property_manager",))),
        # explain: the handler and those who route cases in the neighborhood.
        Route("cases:act", args=(c1.uid, "explain"), method="POST", expect=ok(("property_manager", *ROUTERS_N1))),
        Route("cases:act", args=(c1.uid, "merge"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(c1.uid, "reassign"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(c1.uid, "co_handlers"), method="POST", expect=ok(("property_manager", *ROUTERS_N1))),
        Route("cases:act", args=(c1.uid, "callback"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(c1.uid, "nonsense"), method="POST", expect=ok(())),
        # The owners' committee's case: its members (the cross-appointed persona among them) handle
        # it; routing, rejecting, merging and callbacks stay with n1's routing right.
        Route("cases:case_detail", args=(committee.uid,), expect=ok(SEE_C1)),
        Route("cases:act", args=(committee.uid, "accept"), method="POST", expect=ok(COMMITTEE)),
        Route("cases:act", args=(committee.uid, "extend"), method="POST", expect=ok((*COMMITTEE, *ROUTERS_N1))),
        Route("cases:act", args=(committee.uid, "reject"), method="POST", expect=ok((*COMMITTEE, *ROUTERS_N1))),
        Route("cases:act", args=(committee.uid, "merge"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(committee.uid, "reassign"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(committee.uid, "callback"), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:act", args=(committee.uid, "co_handlers"), method="POST", expect=ok((*COMMITTEE, *ROUTERS_N1))),
        Route("cases:act", args=(police.uid, "accept"), method="POST", expect=ok(("gov_staff",))),
        Route("cases:act", args=(c1.uid, "accept"), expect=post_only()),
        Route("cases:message", args=(c1.uid,), method="POST", expect=ok(("property_manager", *ROUTERS_N1))),
        Route("cases:message", args=(c1.uid,), expect=post_only()),
        # The reporter's number in full: where people.contact reaches the case (not its handler,
        # the property company; not the committee seat of the cross-appointed persona); none given: nobody.
        Route("cases:reporter_phone", args=(c1.uid,), method="POST", expect=ok(ROUTERS_N1)),
        Route("cases:reporter_phone", args=(c3.uid,), method="POST", expect=ok(())),
        Route("cases:reporter_phone", args=(c1.uid,), expect=post_only()),
        Route("cases:photo", args=(c1.uid, photo.uid), expect=ok(SEE_C1)),
        Route("cases:photo", args=(c3.uid, photo.uid), expect=ok(())),  # the photo is not c3's
        Route("cases:visits", expect=ok(VIEW_CASES)),
        Route("cases:visits", query=f"compound={world.c1.uid}&month=2026-05", expect=ok(VIEW_CASES)),
        Route("cases:visit_new", expect=ok(LOG_VISITS)),
        Route("cases:visit_detail", args=(visit.uid,), expect=ok(SEE_C1)),
    ]
