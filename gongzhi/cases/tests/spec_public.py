"""Permission-matrix routes of gongzhi/cases/views/public.py (see gongzhi/core/tests/matrix.py)."""


def routes(world):
    return []
