"""The platform fails closed (issue 11, finding 3): DEBUG is off unless set; with DEBUG off it
refuses the development secret, the console SMS backend and the demo town; the documented
production configuration passes `manage.py check --deploy` without an issue."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {  # docs/deployment.md, "Settings (.env)"
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "AUDIT_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "gongzhi.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://gongzhi.example.gov.cn",
    "BEHIND_TLS_PROXY": "true",
    "TRUSTED_PROXIES": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SMS_BACKEND": "gongzhi.accounts.sms.HttpBackend",
    "SMS_HTTP_URL": "http://127.0.0.1:9/sms",
    "SMS_HTTP_TOKEN": "x",
}


def manage(*args, **env):
    """manage.py in a fresh process with exactly `env` on top of a clean environment."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL", "TZ")}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_the_documented_production_settings_pass_the_deploy_check(tmp_path):
    done = manage("check", "--deploy", **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "change, refused",
    [
        ({"DEBUG": ""}, "SMS_BACKEND is the console"),  # DEBUG unset is off …
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),  # … so the development secret is refused
        ({"AUDIT_KEY": ""}, "AUDIT_KEY must be set"),  # … and the development audit key
    ],
)
def test_debug_is_off_unless_set_and_then_the_development_shortcuts_are_refused(tmp_path, change, refused):
    env = {**PRODUCTION, "SMS_BACKEND": "gongzhi.accounts.sms.ConsoleBackend", **change}
    env = {k: v for k, v in env.items() if v != ""}
    done = manage("check", **env, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert done.returncode != 0 and refused in done.stderr


def test_the_demo_town_is_refused_without_allow_demo(settings, db):
    settings.ALLOW_DEMO = False
    with pytest.raises(CommandError, match="not loaded here"):
        call_command("seed_demo")
