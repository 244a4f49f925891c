from django_tasks import task

from .stats import rebuild


@task()
def rebuild_stats(town_id: int) -> int:
    """Re-count a town's rate counters from its cases (idempotent: the result depends only on the cases)."""

    return rebuild([town_id])
