"""Permission-matrix routes of the written notices. The public page and its files are open to
everyone (residents read them from the compound's poster); the staff pages follow the meetings'
scope."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only
from gongzhi.meetings.tests.permission_spec import SEE_N1, VIEWERS
from gongzhi.meetings.tests.scenario import build


def ok(personas, status=200):
    return only({p: status for p in personas})


def everyone(status):
    return {**{p: status for p in PERSONAS}, ANON: status}


def routes(world):
    s = build(world)
    notice, opinion = s.notice.uid, s.opinion.uid
    writers = ("office", "party_secretary", "cross_appointed", "outsider", "admin")
    return [
        Route("notices:list", expect=ok(VIEWERS)),
        Route("notices:new", expect=ok(writers)),
        # Announcing a resolution: also its lead organisation (the owners' committee of 新城一村).
        Route(
            "notices:new",
            query=f"resolution={s.resolution.uid}",
            expect=ok(("office", "party_secretary", "oc_member", "cross_appointed", "admin")),
        ),
        Route("notices:detail", args=(notice,), expect=ok(SEE_N1)),
        Route(
            "notices:publish",
            args=(notice,),
            method="POST",
            expect=ok(("office", "party_secretary", "oc_member", "cross_appointed", "admin"), 400),
        ),
        Route(
            "notices:reply",
            args=(notice, opinion),
            method="POST",
            expect=ok(("office", "party_secretary", "oc_member", "cross_appointed", "admin"), 400),
        ),
        Route("notices:poster", args=(notice,), expect=ok(SEE_N1)),
        Route("notices:public", args=(notice,), expect=everyone(200)),
        Route("notices:public_file", args=(notice, "abcdefghjkmn"), expect=everyone(404)),
    ]
