"""The table of the benchmark's floor: one plain INSERT per request (bench.floor.views.floor)."""

from django.db import models


class FloorRow(models.Model):
    body = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.pk}"
