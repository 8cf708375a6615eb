"""Sample prices for the demo's invented companies: a year of deterministic daily bars with volume,
marked with the source "sample (demo)" wherever they are shown, and taken away with the demo. The
demo command (parley.web) calls these with the companies of parley.articles.demo."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from parley.markets.models import DailyBar, Instrument

SAMPLE_SOURCE = "sample (demo)"  # the source of every bar and instrument the demo makes
SAMPLE_EXCHANGE = "none (invented for Parley's demo)"
DAYS = 365
DAILY_SWING = 0.018  # a typical stock's daily move (standard deviation), so charts look like charts
CENT = Decimal("0.01")


def last_trading_day(today: date) -> date:
    """The last weekday before today: the demo's last close (today's is not in before the markets close)."""
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def sample_bars(symbol: str, start_price: float, last_day: date, seed: int) -> list[DailyBar]:
    """A year of weekday bars ending on last_day, the same for the same arguments: a random walk
    with open, high, low, close (adjusted the same: no splits) and volume."""
    rng = random.Random(f"{seed}:{symbol}")
    days = [last_day - timedelta(days=n) for n in range(DAYS, -1, -1)]
    bars, close = [], start_price
    for day in days:
        if day.weekday() >= 5:
            continue
        opened = close * (1 + rng.gauss(0, DAILY_SWING / 3))
        close = max(1.0, opened * (1 + rng.gauss(0.0003, DAILY_SWING)))
        high = max(opened, close) * (1 + abs(rng.gauss(0, DAILY_SWING / 2)))
        low = min(opened, close) * (1 - abs(rng.gauss(0, DAILY_SWING / 2)))
        price = [Decimal(f"{v:.2f}") for v in (opened, high, low, close)]
        bars.append(DailyBar(symbol=symbol, day=day, open=price[0], high=price[1], low=price[2], close=price[3],
                             adj_close=price[3], volume=int(rng.lognormvariate(14.5, 0.5)), currency="USD",
                             source=SAMPLE_SOURCE))
    return bars


def store_sample_prices(companies: dict[str, str], start_prices: dict[str, float], last_day: date,
                        seed: int) -> int:
    """Know each invented company's symbol (as an invented instrument) and store its year of sample
    bars, replacing the demo's earlier ones; return the bars stored. A symbol holding prices from any
    other source is left alone: sample prices never mix with real ones."""
    with transaction.atomic():
        real = set(DailyBar.objects.filter(symbol__in=list(companies.values())).exclude(source=SAMPLE_SOURCE)
                   .values_list("symbol", flat=True).distinct())
        wanted = {name: symbol for name, symbol in companies.items() if symbol not in real}
        DailyBar.objects.filter(symbol__in=list(wanted.values()), source=SAMPLE_SOURCE).delete()
        for name, symbol in wanted.items():
            Instrument.objects.update_or_create(symbol=symbol, defaults={
                "name": name, "kind": Instrument.STOCK, "exchange": SAMPLE_EXCHANGE, "source": SAMPLE_SOURCE})
        bars = [bar for symbol in wanted.values()
                for bar in sample_bars(symbol, start_prices.get(symbol, 50.0), last_day, seed)]
        DailyBar.objects.bulk_create(bars, batch_size=500)
    return len(bars)


def remove_sample_prices() -> tuple[int, int]:
    """Delete every sample bar and invented instrument; return how many of each."""
    bars, _ = DailyBar.objects.filter(source=SAMPLE_SOURCE).delete()
    instruments, _ = Instrument.objects.filter(source=SAMPLE_SOURCE).delete()
    return bars, instruments
