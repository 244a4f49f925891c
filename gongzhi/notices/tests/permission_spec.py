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


def _draft(world):
    """A draft of 新城's party organisation, not yet published: editable by who may write it."""
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.notices.services import create_notice

    return create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="草稿通报",
        body="拟调整垃圾箱房位置。",
        responsible=world.orgs["rc1"],
        closes_on=timezone.localdate() + timedelta(days=7),
    )


def routes(world):
    s = build(world)
    notice, opinion = s.notice.uid, s.opinion.uid
    draft = _draft(world).uid
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
        Route("notices:edit", args=(draft,), expect=ok(("office", "party_secretary", "admin"))),
        Route(
            "notices:edit",
            args=(draft,),
            method="POST",
            data={},
            expect=ok(("office", "party_secretary", "admin"), 400),
        ),
        Route("notices:edit", args=(notice,), expect=ok(())),  # published: no longer editable
        Route("notices:poster", args=(notice,), expect=ok(SEE_N1)),
        Route("notices:public", args=(notice,), expect=everyone(200)),
        Route("notices:public_file", args=(notice, "abcdefghjkmn"), expect=everyone(404)),
    ]
