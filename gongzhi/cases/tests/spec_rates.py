"""Permission-matrix routes of gongzhi/cases/views/rates.py (see gongzhi/core/tests/matrix.py)."""


def routes(world):
    return []
