from django_tasks import task


@task()
def rebuild_stats(town_id: int) -> int:
    """Re-count a town's rate counters from its cases (idempotent: the result depends only on the cases)."""
    from .stats import rebuild

    return rebuild([town_id])
