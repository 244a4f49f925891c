"""Platform plumbing: health check, settings documented, security headers, languages, static
assets served locally, 404 page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_database_failure(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_every_setting_read_from_the_environment_is_in_env_example():
    source = (ROOT / "gongzhi" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read <= documented, sorted(read - documented)


def test_pages_carry_a_content_security_policy_without_inline_scripts(client_for):
    response = client_for("office").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


def test_templates_have_no_inline_scripts_or_external_assets():
    for path in (ROOT / "gongzhi").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"external asset in {path}"


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
    ],
)
def test_front_end_assets_are_in_the_project(asset):
    assert (ROOT / "gongzhi" / "static" / asset).stat().st_size > 1000


def test_simplified_chinese_is_the_default_and_languages_switch(client_for):
    client = client_for("office")
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert 'lang="zh-hant"' in client.get("/").content.decode()


def test_not_found_page_is_friendly(client_for):
    response = client_for("office").get("/places/compounds/doesnotexist/")
    assert response.status_code == 404


def test_a_visitor_can_switch_language_on_the_sign_in_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
