"""`parley prices import FILE|FOLDER [--ticker BA] [--currency USD]`: store daily prices from the CSV
exports people already have (Yahoo, Stooq, or a plain date,close). `parley prices symbols [--sec-funds
FILE_OR_URL]`: know the ETFs and funds of the SEC's fund ticker list (parley.markets.instruments).
`parley prices fetch [TICKER ...]`: bring symbols up to date from the configured provider (parley.markets.fetching);
`parley prices status [TICKER ...]`: each symbol's last close and how its fetching goes."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parley.markets.fetching import freshness, refresh, wanted_symbols
from parley.markets.instruments import INDICES, SEC_FUNDS, SEC_FUNDS_URL, InstrumentError, store_sec_funds
from parley.markets.models import Instrument, PriceProvider
from parley.markets.providers import NotConfigured, configured
from parley.markets.services import PriceFileError, import_path
from parley.markets.symbols import normalise


class Command(BaseCommand):
    help = "Import daily prices: `parley prices import FILE_OR_FOLDER [--ticker BA] [--currency USD]`."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        load = commands.add_parser("import", help="Store the days of a Yahoo or Stooq CSV export, or a date,close file.")
        load.add_argument("path", help="A file, or a folder of .csv and .txt files (one symbol each, named for it).")
        load.add_argument("--ticker", help="Whose prices the file holds, when its name does not say (BA, BRK-B, ^GSPC).")
        load.add_argument("--currency", default="USD", help="The prices' currency, a three-letter code (default USD).")
        known = commands.add_parser("symbols", help="Know the ETFs and funds of the SEC's fund ticker list (and list the "
                                                    "built-in indices), so watchlists accept them.")
        known.add_argument("--sec-funds", metavar="FILE_OR_URL", help="company_tickers_mf.json saved from the SEC, or its "
                                                                     f"URL ({SEC_FUNDS_URL}) to download it once.")
        ask = commands.add_parser("fetch", help="Ask the configured provider for the days each symbol misses "
                                                "(default: the symbols readers follow and articles were about lately).")
        ask.add_argument("tickers", nargs="*", metavar="TICKER", help="Only these symbols (asked even while backing off).")
        state = commands.add_parser("status", help="Each symbol's last close, last fetch, last error and next try.")
        state.add_argument("tickers", nargs="*", metavar="TICKER", help="Only these symbols.")

    def handle(self, command, path=None, ticker=None, currency="USD", **options):
        if command == "symbols":
            return self.symbols(options.get("sec_funds"))
        if command == "fetch":
            return self.fetch(options.get("tickers") or [])
        if command == "status":
            return self.status(options.get("tickers") or [])
        try:
            reports = import_path(path, ticker, currency)
        except PriceFileError as exc:
            raise CommandError(str(exc)) from None
        for report in reports:
            self.stdout.write(report.said())
        stored, refused = sum(r.stored for r in reports), sum(r.refused for r in reports)
        self.stdout.write(f"{len(reports)} file{'s' if len(reports) != 1 else ''}: {stored} days stored, {refused} refused "
                          "(each import is listed in the admin under Markets).")

    def symbols(self, sec_funds):
        """`parley prices symbols [--sec-funds FILE_OR_URL]`: load the SEC fund list; say what is known."""
        if sec_funds:
            if sec_funds.startswith(("http://", "https://")) and settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
                self.stdout.write(f"Note: PARLEY_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL}; the SEC asks for an address "
                                  "that reaches you in the User-Agent, and may refuse a request without one.")
            try:
                stored = store_sec_funds(sec_funds)
            except InstrumentError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"SEC fund list: {stored.added:,} new fund/ETF symbols, {stored.kept:,} already known.")
            for written, why in stored.refused:
                self.stdout.write(f"  refused {written!r}: {why}")
        funds = Instrument.objects.filter(source=SEC_FUNDS).count()
        self.stdout.write(f"{funds:,} fund/ETF symbols known from the SEC fund list; {len(INDICES)} indices are built in: "
                          f"{', '.join(INDICES)}.")

    @staticmethod
    def _symbols(tickers) -> list[str]:
        symbols = []
        for ticker in tickers:
            symbol = normalise(ticker)
            if symbol is None:
                raise CommandError(f"{ticker!r} is not a symbol (write it as AAPL, BRK-B or BRK.B)")
            symbols.append(symbol)
        return symbols

    def fetch(self, tickers):
        """`parley prices fetch [TICKER ...]`: one line per symbol, then a total; no provider is an error."""
        symbols = self._symbols(tickers)
        try:
            provider = configured()
        except NotConfigured as exc:
            raise CommandError(str(exc)) from None
        if not symbols:
            symbols = wanted_symbols(limit=provider.max_symbols)
            if not symbols:
                self.stdout.write("No symbol to fetch: no reader follows one and no recent article is about one "
                                  "(name them: parley prices fetch AAPL MSFT).")
                return
        outcomes = refresh(symbols, provider=provider, explicit=bool(tickers))
        counts: dict[str, int] = {}
        for outcome in outcomes:
            self.stdout.write(outcome.line())
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        said = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(f"{len(outcomes)} symbol{'s' if len(outcomes) != 1 else ''} from {provider.name}: {said}; "
                          f"{sum(o.stored for o in outcomes)} days stored (each request is listed in the admin "
                          "under Markets, Price fetches).")

    def status(self, tickers):
        """`parley prices status [TICKER ...]`: the provider's budget, then one line per symbol."""
        symbols = self._symbols(tickers) or None
        try:
            provider = configured()
        except NotConfigured as exc:
            self.stdout.write(f"Provider: none ({exc}).")
        else:
            line = (f"Provider: {provider.name}, at most {provider.per_hour or 'any number of'} requests an hour "
                    f"and {provider.per_day or 'any number'} a UTC day")
            budget = PriceProvider.objects.filter(name=provider.name).first()
            if budget and budget.hour:
                line += (f"; {budget.requests_this_hour} asked in the hour from {budget.hour:%Y-%m-%d %H:%M} UTC, "
                         f"{budget.requests_today} on {budget.day}")
            if budget and budget.paused_until:
                line += f"; asked to wait until {budget.paused_until:%Y-%m-%d %H:%M} UTC"
            if budget and budget.last_error:
                line += f"; last error: {budget.last_error}"
            self.stdout.write(line)
        rows = freshness(symbols)
        if not rows:
            self.stdout.write("No symbol is fetched, followed or in recent articles.")
        for row in rows:
            self.stdout.write(row.line())
