"""Who gets what on every URL of the warning letters (walked by core/tests/test_permission_matrix.py)."""


def routes(world):
    return []
