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
    warnings = models.JSONField(default=list, blank=True,
                                help_text="What was stored but is worth a look: an overnight move of 50% or more "
                                          "in closes without adjusted closes (a split?).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.path}: {self.stored} stored, {self.refused} refused"


class PriceProvider(models.Model):
    """A configured price provider's request budget, kept in the database so every worker and a
    `parley prices fetch` run at the same time share one count: requests this hour and this day
    (UTC, as providers count their free tiers), and a pause the provider asked for (429 Retry-After)."""

    name = models.CharField(max_length=40, unique=True)
    day = models.DateField(null=True, blank=True, help_text="The UTC day requests_today counts.")
    requests_today = models.PositiveIntegerField(default=0)
    hour = models.DateTimeField(null=True, blank=True, help_text="The UTC hour requests_this_hour counts.")
    requests_this_hour = models.PositiveIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True,
                                        help_text="No request before this: the provider answered 429 (Retry-After).")
    last_error = models.TextField(blank=True)

    def __str__(self):
        return f"{self.name}: {self.requests_today} requests on {self.day}"


class PriceFetchState(models.Model):
    """How one symbol's prices are kept fresh from a provider: when it was last tried, what went
    wrong, and when to try again (backing off a failing symbol, as sources do)."""

    OK, UNKNOWN, FAILED = "ok", "unknown", "failed"
    symbol = models.CharField(max_length=16, unique=True)
    provider = models.CharField(max_length=40, blank=True, help_text="The provider last asked.")
    last_try_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=8, blank=True,
                                    choices=[(OK, "ok"), (UNKNOWN, "unknown to the provider"), (FAILED, "failed")])
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True, db_index=True,
                                       help_text="Not asked again before this (empty: whenever it is stale).")

    def __str__(self):
        return f"{self.symbol}: {self.last_outcome or 'never fetched'}"


class PriceFetch(models.Model):
    """One request for one symbol's prices: what was asked (the URL without its key), the answer,
    what was stored, and why not when nothing was, for the operator (admin, `parley prices status`)."""

    OK, UNKNOWN, FAILED, LIMITED = "ok", "unknown", "failed", "limited"
    provider = models.CharField(max_length=40)
    symbol = models.CharField(max_length=16)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    url = models.CharField(max_length=1000, help_text="As asked, the key left out.")
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status, when there was an answer.")
    outcome = models.CharField(max_length=8, choices=[(OK, "ok"), (UNKNOWN, "unknown symbol"), (FAILED, "failed"),
                                                     (LIMITED, "rate-limited")])
    stored = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["symbol", "-started_at"], name="pricefetch_symbol_time")]
        verbose_name_plural = "price fetches"

    def __str__(self):
        return f"{self.provider} {self.symbol} at {self.started_at:%Y-%m-%d %H:%M}: {self.error or f'{self.stored} stored'}"


class Instrument(models.Model):
    """A symbol the site knows beyond the company list: an ETF or fund from the SEC's fund ticker
    list, or an invented demo company. Indices are a built-in table (parley.markets.instruments)."""

    STOCK, ETF, FUND, INDEX = "stock", "etf", "fund", "index"
    KINDS = [(STOCK, "stock"), (ETF, "ETF"), (FUND, "fund/ETF"), (INDEX, "index")]
    symbol = models.CharField(max_length=16, unique=True, help_text="As normalised: BRK.B, ^GSPC, VTI.")
    name = models.CharField(max_length=200, blank=True, help_text="Blank where the source names none (the SEC fund list).")
    kind = models.CharField(max_length=8, choices=KINDS)
    exchange = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=40, help_text="Where the symbol came from: 'sec fund list', 'sample (demo)'.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.symbol} ({self.get_kind_display()}, {self.source})"
