"""Sign-in for bench/pages.sh: in the database of DATABASE_URL, make sure the two users exist — a
member of the first town's office (`bench/rates.py`'s `office_member()`) and a platform
administrator (`is_superuser`: the platform's only role that sees every town; there is no district
or city office) — and make a session for each, as a login would (`django.contrib.auth.login`).
Prints shell assignments: OFFICE_COOKIE, ADMIN_COOKIE (the session keys) and COOKIE_NAME.

    DATABASE_URL=postgres://…/gongzhi_bench_1m .venv/bin/python bench/pages_setup.py > /tmp/env
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rates import office_member  # noqa: E402


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db", settings.SESSION_ENGINE
    return request.session.session_key


def main() -> int:
    _town, office = office_member()
    from django.conf import settings

    from gongzhi.core.models import User

    admin, _created = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    print(f"OFFICE_COOKIE={session_for(office)}")
    print(f"ADMIN_COOKIE={session_for(admin)}")
    print(f"COOKIE_NAME={settings.SESSION_COOKIE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
