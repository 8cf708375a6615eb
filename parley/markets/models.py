"""End-of-day prices beside the news: one row per symbol and trading day, and a record of each
import an operator ran (what was stored, what was refused and why)."""
from django.db import models


class DailyBar(models.Model):
    """One trading day of one symbol, as its source gave it. Prices are never fetched while a page
    is served: they are imported (`parley prices import`) and read from here."""

    symbol = models.CharField(max_length=16, help_text="As the company list writes it: BRK.B, not BRK-B.")
    day = models.DateField()
    open = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    high = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    low = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    close = models.DecimalField(max_digits=18, decimal_places=6)
    adj_close = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True,
                                    help_text="Close adjusted for later splits and dividends, when the source gives it.")
    volume = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    source = models.CharField(max_length=40, help_text="Where the row came from: 'yahoo csv', 'stooq csv', 'csv'.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["symbol", "day"], name="one_bar_per_day")]
        indexes = [models.Index(fields=["symbol", "-day"], name="bar_latest")]

    def __str__(self):
        return f"{self.symbol} {self.day}: {self.close} {self.currency}"


class PriceImport(models.Model):
    """One file an operator imported: how many days were stored, how many refused, and why (the
    first reasons), so a bad export is seen in the admin, not discovered on a chart."""

    path = models.CharField(max_length=1000)
    symbol = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=40, blank=True)
    stored = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="The first reasons rows or the file were refused.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.path}: {self.stored} stored, {self.refused} refused"
