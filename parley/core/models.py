"""The one table of the bottom layer: named leases, for work that has no row of its own to lease."""
from django.db import models


class Lease(models.Model):
    """A named lease ("enrich:<article>:<content>:<version>"): held until `until`; taken again after."""

    name = models.CharField(max_length=200, primary_key=True)
    until = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.name} until {self.until:%Y-%m-%d %H:%M:%S}"
