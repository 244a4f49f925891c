"""督办's test set-up on the shared `world`: one overdue record of each kind that is easy to make
overdue by moving the clock — a case never accepted, a rectification order never answered, a
warning letter never answered — all in 浦江镇 (world.town). Clock: started 2026-11-02 10:00 and
moved to 2026-12-07 10:00, when all three are overdue."""

from __future__ import annotations

from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Category
from gongzhi.cases.services import Report, submit_case
from gongzhi.cases.services.sweep import sweep as cases_sweep
from gongzhi.inspections.services import flag_overdue_orders
from gongzhi.inspections.tests.factories import inspected_with_order
from gongzhi.warning_letters.tests.factories import sent

START = "2026-11-02 10:00"
LATER = "2026-12-07 10:00"


class Overdue:
    def __init__(self, world, clock):
        install_default_categories(actor=None, town=world.town)
        repair = Category.objects.get(town=world.town, code="REPAIR")
        self.case = submit_case(
            actor=None,
            report=Report(
                compound=world.c1,
                category=repair,
                description="3号楼水管漏水，楼道积水",
                reporter_name="居民甲",
                reporter_phone="13800000001",
            ),
            channel="qr",
            photos=(),
            reporter_user=world.users["resident"],
        )
        _inspection, self.order = inspected_with_order(world)
        self.letter = sent(world, "pc")
        clock.move_to(LATER)
        cases_sweep()
        flag_overdue_orders()
        for obj in (self.case, self.order, self.letter):
            obj.refresh_from_db()
