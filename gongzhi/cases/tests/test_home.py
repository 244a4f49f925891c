"""What the home page says about cases, per role."""

from datetime import timedelta

import pytest

from gongzhi.cases import services

pytestmark = pytest.mark.django_db


def test_handler_sees_new_cases_and_the_resident_an_answer_to_give(world, submit, client_for):
    case = submit()
    page = client_for("property_manager").get("/").content.decode()
    assert "?box=new" in page
    pm = world.users["property_manager"]
    case = services.accept_case(actor=pm, case=case, expected_version=case.version)
    services.resolve_case(actor=pm, case=case, resolution="已修复", expected_version=case.version)
    home = client_for("resident").get("/").content.decode()
    assert "/my/cases/" in home and "alert-warning" in home


def test_overdue_and_callbacks_for_the_residents_committee(world, submit, client_for):
    case = submit()
    services.sweep(today=case.accept_due + timedelta(days=30))
    page = client_for("rc_worker").get("/").content.decode()
    assert "?box=overdue" in page
    assert "?box=overdue" not in client_for("outsider").get("/").content.decode()
