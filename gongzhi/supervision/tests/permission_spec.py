"""Who gets what on every URL of 督办 (walked by core/tests/test_permission_matrix.py): the office
and the leadership group of the town (and the platform administrator); the outsider is another
town's office — it reaches the list (its own town's records) but not this town's record to urge.
A letter not past its deadline can be opened to urge (the page says there is nothing to urge);
posted without a note: 400."""

from gongzhi.core.tests.matrix import Route, only

TOWN = ("office", "leader", "admin")
VIEWERS = ("office", "leader", "outsider", "admin")


def ok(personas, status=200):
    return only({p: status for p in personas})


def routes(world):
    from gongzhi.warning_letters.tests.factories import sent

    letter = sent(world, "pc")
    return [
        Route("supervision:home", expect=ok(VIEWERS)),
        Route("supervision:home", query="show=urged", expect=ok(VIEWERS)),
        Route("supervision:home", query="show=moved", expect=ok(VIEWERS)),
        Route("supervision:export", expect=ok(VIEWERS)),
        Route("supervision:urge", args=("letter", letter.uid), expect=ok(TOWN)),
        Route("supervision:urge", args=("letter", letter.uid), method="POST", data={}, expect=ok(TOWN, 400)),
        Route("supervision:urge", args=("nonsense", letter.uid), expect=ok(())),
    ]
