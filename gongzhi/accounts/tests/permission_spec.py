from gongzhi.core.tests.matrix import ANON, PERSONAS, Route, only

EVERYONE = {p: 200 for p in PERSONAS}


def routes(world):
    return [
        Route("accounts:login", expect={**{p: 302 for p in PERSONAS}, ANON: 200}),
        # The second step of a password sign-in: without one pending, back to the sign-in page.
        Route("accounts:login_code", expect={**{p: 302 for p in PERSONAS}, ANON: 302}),
        Route("accounts:logout", method="POST", expect={**{p: 302 for p in PERSONAS}, ANON: 302}, fresh_client=True),
        Route("accounts:logout", expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        Route("accounts:password_change", expect={**EVERYONE, ANON: 302}),
        Route("accounts:phone_login", expect={**EVERYONE, ANON: 200}),
        Route(
            "accounts:phone_verify", expect={**{p: 302 for p in PERSONAS}, ANON: 302}, anonymous_to="/accounts/phone/"
        ),
        Route("accounts:my_home", expect={**EVERYONE, ANON: 302}),
        # Everyone's own data (never anyone else's: the address names no one); the download is POST.
        Route("accounts:my_data", expect={**EVERYONE, ANON: 302}),
        Route("accounts:my_data_download", method="POST", expect={**EVERYONE, ANON: 302}),
        Route("accounts:my_data_download", expect={**{p: 405 for p in PERSONAS}, ANON: 302}),
        Route("accounts:join", expect={**EVERYONE, ANON: 302}),
        Route("accounts:join", query=f"code={world.c1.invite_code}", expect={**EVERYONE, ANON: 302}),
        # The office gives a person of its town a login; nobody else may, and no other town's office.
        Route(
            "accounts:staff_login", args=(world.people["rc_worker"].uid,), expect=only({"office": 200, "admin": 200})
        ),
        Route(
            "accounts:staff_login", args=(world.people["outsider"].uid,), expect=only({"outsider": 200, "admin": 200})
        ),
    ]
