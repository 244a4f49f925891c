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
