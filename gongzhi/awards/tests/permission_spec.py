"""Who gets what on every URL of the awards (walked by core/tests/test_permission_matrix.py).
Actions are posted without their forms' data: whoever may take the action gets the page back with
the reason (400) — nothing changes, so the walk is repeatable; whoever may not gets 404.

The office and the leadership group read their town's rounds and candidates; the inspection group
g1 (世博, n2) reads the rounds with a candidate there and those candidates only (世博党总支, not
新城党总支). The four parties have no award pages: the public page is theirs, and everyone's. The
outsider is the office of another town: it reaches the list and its own office pages only."""

from gongzhi.core.tests.matrix import Route, only

from .factories import candidate

VIEWERS = ("office", "leader", "inspector", "outsider", "admin")
TOWN = ("office", "leader", "admin")
COVERED = ("office", "leader", "inspector", "admin")
OFFICE = ("office", "admin")
OFFICES = ("office", "outsider", "admin")
NOMINATORS = ("office", "inspector", "admin")
DECIDERS = ("office", "leader", "admin")  # the office carries the permission; the service refuses it


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    from django.utils import timezone

    from gongzhi.awards import services

    year = timezone.localdate().year - 1  # the candidates are listed, assessed or not
    r = services.open_round(actor=world.users["office"], town=world.town, year=year, kind="good_steward")
    po1 = candidate(r, organization=world.orgs["po1"])
    po2 = candidate(r, organization=world.orgs["po2"])
    return [
        Route("awards:home", expect=ok(VIEWERS)),
        Route("awards:home", query=f"year={year}", expect=ok(VIEWERS)),
        Route("awards:round_new", expect=ok(OFFICES)),
        Route("awards:round_new", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("awards:settings", expect=ok(OFFICES)),
        Route("awards:settings", method="POST", data={}, expect=ok(OFFICES, 400)),
        Route("awards:round", args=(r.uid,), expect=ok(COVERED)),
        Route("awards:round_export", args=(r.uid,), expect=ok(COVERED)),
        Route("awards:round", args=("abcdefghjkmn",), expect=ok(())),
        Route("awards:round_refresh", args=(r.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("awards:round_submit", args=(r.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("awards:round_approve", args=(r.uid,), method="POST", expect=ok(DECIDERS, 400)),
        Route("awards:round_send_back", args=(r.uid,), method="POST", expect=ok(DECIDERS, 400)),
        Route("awards:round_announce", args=(r.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("awards:candidate", args=(po1.uid,), expect=ok(TOWN)),
        Route("awards:candidate", args=(po2.uid,), expect=ok(COVERED)),
        Route("awards:candidate_nominate", args=(po2.uid,), method="POST", expect=ok(NOMINATORS, 400)),
        Route("awards:candidate_nominate", args=(po1.uid,), method="POST", expect=ok(OFFICE, 400)),
        Route("awards:candidate_withdraw", args=(po2.uid,), method="POST", expect=ok(NOMINATORS, 400)),
        Route("awards:public", args=(world.town.code,), expect=only({}, default=200, anonymous=200)),
        Route("awards:public", args=("nosuchtown",), expect=only({}, default=404, anonymous=404)),
    ]
