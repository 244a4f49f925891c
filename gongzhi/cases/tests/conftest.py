import pytest


@pytest.fixture
def categories(world):
    from gongzhi.cases.configuration import install_default_categories

    install_default_categories(actor=None, town=world.town)
    install_default_categories(actor=None, town=world.other)
    from gongzhi.cases.models import Category

    return {c.code: c for c in Category.objects.filter(town=world.town)}


@pytest.fixture
def report(world, categories):
    """report(**overrides) → a Report for 新城一村 (c1): a leaking pipe, by resident 13800000001."""
    from gongzhi.cases.services import Report

    def make(**overrides):
        values = {
            "compound": world.c1,
            "category": categories["REPAIR"],
            "description": "3号楼水管漏水，楼道积水",
            "reporter_name": "居民甲",
            "reporter_phone": "13800000001",
        }
        values.update(overrides)
        return Report(**values)

    return make


@pytest.fixture
def submit(world, report):
    """submit(**overrides) → a case submitted by the resident persona through the QR channel."""
    from gongzhi.cases.services import submit_case

    def make(channel="qr", actor=None, photos=(), **overrides):
        return submit_case(
            actor=actor,
            report=report(**overrides),
            channel=channel,
            photos=photos,
            reporter_user=world.users["resident"] if channel in ("qr", "resident") else None,
        )

    return make
