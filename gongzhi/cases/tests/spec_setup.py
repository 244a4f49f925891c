"""Permission-matrix routes of gongzhi/cases/views/setup.py (see gongzhi/core/tests/matrix.py)."""


def routes(world):
    return []
