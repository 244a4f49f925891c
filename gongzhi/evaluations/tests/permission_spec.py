"""Who gets what on every URL of this app (walked by core/tests/test_permission_matrix.py)."""


def routes(world):
    return []
