from .matrix import ANON, PERSONAS, Route, only

STAFF_WITH_PLACES = (
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


def routes(world):
    everyone = {p: 200 for p in PERSONAS}
    return [
        Route("core:home", expect={**everyone, ANON: 302}),
        Route("core:healthz", expect={**everyone, ANON: 200}),
        Route("core:healthz", method="POST", expect={**{p: 405 for p in PERSONAS}, ANON: 405}),
        Route("core:readyz", expect={**everyone, ANON: 200}),
        Route("core:readyz", method="POST", expect={**{p: 405 for p in PERSONAS}, ANON: 405}),
        # The test client comes from 127.0.0.1, one of METRICS_ALLOWED_ADDRESSES (test_operations.py
        # checks that another address is refused, whoever is signed in).
        Route("core:metrics", expect={**everyone, ANON: 200}),
        Route("core:metrics", method="POST", expect={**{p: 405 for p in PERSONAS}, ANON: 405}),
        Route("core:calendar", expect=only({"office": 200, "outsider": 200, "admin": 200})),
        Route(
            "core:calendar_day_remove",
            args=("2027-01-01",),
            method="POST",
            expect=only({"office": 404, "outsider": 404, "admin": 404}),
        ),
        Route(
            "core:calendar_day_remove",
            args=("2027-01-01",),
            method="GET",
            expect={**{p: 405 for p in PERSONAS}, ANON: 302},
        ),
        # A town's own day: only where the user's calendar.manage reaches (the outsider: another
        # town, 404); the day does not exist, so the office and the administrator get 404 as well.
        Route(
            "core:calendar_town_day_remove",
            args=(world.town.uid, "2027-01-01"),
            method="POST",
            expect=only({"office": 404, "outsider": 404, "admin": 404}),
        ),
        Route(
            "core:calendar_town_day_remove",
            args=(world.town.uid, "2027-01-01"),
            method="GET",
            expect={**{p: 405 for p in PERSONAS}, ANON: 302},
        ),
        Route("core:audit_log", expect=only({"office": 200, "leader": 200, "outsider": 200, "admin": 200})),
        Route("core:audit_heads", expect=only({"office": 200, "leader": 200, "outsider": 200, "admin": 200})),
        Route(
            "set_language",
            method="POST",
            data={"language": "en", "next": "/"},
            expect={**{p: 302 for p in PERSONAS}, ANON: 302},
            anonymous_to="/",  # public: a visitor switches language on the sign-in page
        ),
    ]
