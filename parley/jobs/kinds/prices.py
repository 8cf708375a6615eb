"""Keeping followed and recently mentioned symbols' prices fresh from the configured provider, at
most every 15 minutes; nothing at all when no provider is configured (prices are then imported)."""
from parley.jobs.job import Job
from parley.markets.fetching import refresh, wanted_symbols
from parley.markets.providers import NotConfigured, configured

EVERY = 900.0  # seconds: closes come once a day; the provider's hourly budget is what paces a large list


def fetch_prices(batch: int) -> int:
    """Ask for the stale symbols' missing days; return how many symbols got new days."""
    try:
        provider = configured()
    except NotConfigured:
        return 0
    symbols = wanted_symbols(limit=provider.max_symbols)
    if not symbols:
        return 0
    return sum(1 for outcome in refresh(symbols, provider=provider) if outcome.stored)


# Each request has its own deadline (PARLEY_FETCH_TIMEOUT) and a round starts none after
# fetching.ROUND_SECONDS, so a run ends well within the job's deadline even with a hanging provider.
JOBS = [Job("prices", fetch_prices, every=EVERY)]
