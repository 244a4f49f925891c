"""Who gets what on every URL of the leadership group's meetings (walked by
core/tests/test_permission_matrix.py): the office and the leadership group of the town (and the
platform administrator) read and run them; the outsider, another town's office, reaches the list
and the form of its own town but none of this town's meetings. Steps are posted without their
forms' data: whoever may take the step gets the page back with the reason (400) — nothing changes,
so the walk is repeatable; a step the meeting's state does not offer is a 404 for everyone."""

from gongzhi.core.tests.matrix import Route, only

RUNNERS = ("office", "leader", "admin")
OWN_TOWN = (*RUNNERS, "outsider")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    from gongzhi.leadership import services

    from .factories import held, scheduled

    coming = scheduled(world, when="2030-01-10 09:00", title="即将召开的会议")
    meeting = held(world, scheduled(world, when="2020-01-10 09:00", title="正在召开的会议"))
    item = meeting.items.get()
    done = held(world, scheduled(world, when="2020-01-09 09:00", title="已闭会的会议"))
    office = world.users["office"]
    services.record_attendance(
        actor=office, meeting=done, rows={a.pk: ("absent", "") for a in done.attendance.all()}, version=done.version
    )
    done_item = done.items.get()
    services.conclude_item(
        actor=office, item=done_item, outcome="deferred", conclusion="再议", version=done_item.version
    )
    done.refresh_from_db()
    services.close_meeting(actor=office, meeting=done, minutes="纪要", version=done.version)
    return [
        Route("leadership:home", expect=ok(OWN_TOWN)),
        Route("leadership:new", expect=ok(OWN_TOWN)),
        Route("leadership:new", method="POST", data={}, expect=ok(OWN_TOWN)),  # the form again, with its errors
        Route("leadership:meeting", args=(coming.uid,), expect=ok(RUNNERS)),
        Route("leadership:meeting", args=(meeting.uid,), expect=ok(RUNNERS)),
        Route("leadership:meeting", args=(done.uid,), expect=ok(RUNNERS)),
        Route("leadership:meeting", args=("abcdefghjkmn",), expect=ok(())),
        Route("leadership:act", args=(coming.uid, "hold"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:act", args=(coming.uid, "agenda"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:act", args=(coming.uid, "add"), method="POST", data={}, expect=ok(RUNNERS, 302)),
        Route("leadership:act", args=(coming.uid, "cancel"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:act", args=(coming.uid, "attendance"), method="POST", data={}, expect=ok(())),
        Route("leadership:act", args=(meeting.uid, "attendance"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:act", args=(meeting.uid, "close"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:act", args=(done.uid, "close"), method="POST", data={}, expect=ok(())),
        Route("leadership:act", args=(meeting.uid, "nonsense"), method="POST", data={}, expect=ok(())),
        Route("leadership:item_act", args=(item.uid, "conclude"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:item_act", args=(item.uid, "decide"), method="POST", data={}, expect=ok(RUNNERS, 400)),
        Route("leadership:item_act", args=(item.uid, "remove"), method="POST", data={}, expect=ok(RUNNERS, 302)),
        Route("leadership:item_act", args=(done_item.uid, "decide"), method="POST", data={}, expect=ok(())),
        Route("leadership:minutes_pdf", args=(done.uid,), expect=ok(RUNNERS)),
        Route("leadership:minutes_pdf", args=(meeting.uid,), expect=ok(())),
    ]
