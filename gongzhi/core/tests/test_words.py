"""Words a user should never see (issue 10, finding 10): languages named in their own language,
no file names or commands of the developers on the pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_language_menu_names_each_language_in_itself(client_for):
    page = client_for("office").get("/").content.decode()
    for name in ("简体中文", "繁體中文", "English"):
        assert f">{name}</button>" in page
    assert "英语" not in page


@pytest.mark.parametrize("url", ["/meetings/compliance/", "/audit/"])
def test_pages_do_not_speak_of_developers_files_or_commands(client_for, url):
    page = client_for("office").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "docs/metrics.md" not in html and "manage.py" not in html


@pytest.mark.parametrize("url", ["/no-such-page/", "/meetings/abcdefghjkmn/"])
def test_a_missing_page_under_debug_is_the_platforms_own_page_in_chinese(client_for, settings, url):
    """`make run` serves with DEBUG on: no English technical page for an address that does not
    exist or an object out of scope."""
    settings.DEBUG = True
    response = client_for("office").get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html or "未找到" in html
    assert "DEBUG = True" not in html and "URLconf" not in html


def test_developers_can_have_djangos_page_back(client_for, settings):
    settings.DEBUG = True
    settings.FRIENDLY_404 = False
    assert "DEBUG = True" in client_for("office").get("/no-such-page/").content.decode()


def test_the_history_lists_only_what_changed(world):
    """Issue 10, finding 10: an edit that kept the order reads no "序号: 2 → 2"."""
    from gongzhi.core import audit
    from gongzhi.core.audit_display import changes

    entry = audit.record(
        world.users["office"], "orgs.organization.update", world.orgs["po1"],
        before={"name": "旧名", "code": "po1"}, after={"name": "新城党总支", "code": "po1"},
    )  # fmt: skip
    assert [(before, after) for _label, before, after in changes(entry)] == [("旧名", "新城党总支")]


def test_no_history_line_reads_as_a_code(world):
    """Issue 10, finding 10: every field and value in the history of the meetings' and notices'
    record reads in Chinese ("meeting:" and "unknown → present" were on the pages)."""
    import re

    from django.utils import translation

    from gongzhi.core.audit_display import action_label, changes
    from gongzhi.core.models import AuditEntry
    from gongzhi.meetings.tests.scenario import build

    build(world)
    codes = re.compile(r"[a-z_]+")
    with translation.override("zh-hans"):
        found = {
            (entry.action, label, value)
            for entry in AuditEntry.objects.exclude(action__startswith="core.user")
            for label, before, after in changes(entry)
            for value in (label, before, after)
            if isinstance(value, str) and codes.fullmatch(value)
        }
        assert not found
        assert not [
            e.action for e in AuditEntry.objects.all() if codes.fullmatch(action_label(e.action).split(" · ")[-1])
        ]
