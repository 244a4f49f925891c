"""Permission-matrix routes of gongzhi/cases/views/staff.py (see gongzhi/core/tests/matrix.py)."""


def routes(world):
    return []
