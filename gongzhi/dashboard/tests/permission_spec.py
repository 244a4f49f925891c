"""Who reaches the town at a glance (walked by core/tests/test_permission_matrix.py): the office,
the leadership group and a neighborhood's party secretary (their neighborhood), the platform
administrator, and another town's office (its own town)."""

from gongzhi.core.tests.matrix import Route, only


def routes(world):
    viewers = ("office", "leader", "party_secretary", "cross_appointed", "outsider", "admin")
    return [Route("dashboard:home", expect=only({p: 200 for p in viewers}))]
