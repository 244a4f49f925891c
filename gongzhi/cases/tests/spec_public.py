"""Permission-matrix routes of gongzhi/cases/views/public.py (see gongzhi/core/tests/matrix.py).

The report and tracking pages are public (the QR code and the tracking link are the keys); the
tracking page's actions are for the reporter only (404 for anyone else signed in, sign-in by
mobile number for a visitor); "my reports" is for any signed-in account; the poster is for staff
who see the compound."""

from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

PHONE_SIGN_IN = "/accounts/phone/"
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


def everyone(status: int = 200) -> dict:
    return {**{p: status for p in PERSONAS}, ANON: status}


def signed_in(status: int = 200, anonymous: int = 302) -> dict:
    return {**{p: status for p in PERSONAS}, ANON: anonymous}


def reporter_only(status: int = 200) -> dict:
    return only({"resident": status}, default=404, anonymous=302)


def _cases(world):
    """An open case and a resolved one, reported by the resident through the QR page."""
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, accept_case, resolve_case, submit_case

    install_default_categories(actor=None, town=world.town)
    repair = Category.objects.get(town=world.town, code="REPAIR")
    resident = world.users["resident"]

    def submit(text):
        # No mobile number on the report: the matrix must not depend on the per-number daily limit.
        report = Report(compound=world.c1, category=repair, description=text, reporter_name="居民甲")
        return submit_case(actor=resident, report=report, channel="qr", reporter_user=resident)

    open_case = submit("楼道灯坏了，晚上很黑")
    resolved = submit("3号楼水管漏水，楼道积水")
    manager = world.users["property_manager"]
    resolved = accept_case(actor=manager, case=resolved, expected_version=resolved.version)
    resolved = resolve_case(actor=manager, case=resolved, resolution="已更换水管", expected_version=resolved.version)
    return open_case, resolved


def routes(world):
    open_case, resolved = _cases(world)
    token, done_token = open_case.tracking_token, resolved.tracking_token
    return [
        Route("cases:report", args=(world.c1.uid,), expect=everyone()),
        # Resident-channel reports come from residents: staff are refused (the form is not shown
        # to them; they enter cases through staff entry).
        Route(
            "cases:report",
            args=(world.c1.uid,),
            method="POST",
            expect=only({"resident": 200}, default=403, anonymous=302),
            anonymous_to=PHONE_SIGN_IN,
        ),
        Route("cases:report", args=("nosuchcompound",), expect=everyone(404)),
        Route("cases:track", args=(token,), expect=everyone()),
        Route("cases:track", args=(done_token,), expect=everyone()),
        Route("cases:track", args=("nosuchtoken22",), expect=everyone(404)),
        Route(
            "cases:track_feedback",
            args=(done_token,),
            method="POST",
            expect=reporter_only(),
            anonymous_to=PHONE_SIGN_IN,
        ),
        Route("cases:track_feedback", args=(done_token,), expect=everyone(405)),
        Route("cases:track_withdraw", args=(token,), method="POST", expect=reporter_only(), anonymous_to=PHONE_SIGN_IN),
        Route("cases:track_withdraw", args=(token,), expect=everyone(405)),
        Route("cases:track_message", args=(token,), method="POST", expect=reporter_only(), anonymous_to=PHONE_SIGN_IN),
        Route("cases:track_message", args=(token,), expect=everyone(405)),
        Route("cases:track_message", args=("nosuchtoken22",), method="POST", expect=everyone(404)),
        # The photo view's positive cases are in test_public_track.py (they need a media directory).
        Route("cases:track_photo", args=(token, "nosuchphoto1"), expect=everyone(404)),
        Route("cases:track_photo", args=("nosuchtoken22", "nosuchphoto1"), expect=everyone(404)),
        Route("cases:my_cases", expect=signed_in(200), anonymous_to=PHONE_SIGN_IN),
        Route("cases:poster", args=(world.c1.uid,), expect=only({p: 200 for p in SEE_C1})),
        Route("cases:poster", args=(world.c4.uid,), expect=only({"outsider": 200, "admin": 200})),
    ]
