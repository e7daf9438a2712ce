from django.db import models


class BaselineRow(models.Model):
    """One row per request, about the width of a short report's hot columns."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "bench_baseline_row"

    def __str__(self) -> str:
        return self.text
