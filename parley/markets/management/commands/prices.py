"""`parley prices import FILE|FOLDER [--ticker BA] [--currency USD]`: store daily prices from the CSV
exports people already have (Yahoo, Stooq, or a plain date,close). `parley prices symbols [--sec-funds
FILE_OR_URL]`: know the ETFs and funds of the SEC's fund ticker list (parley.markets.instruments).
`parley prices fetch [TICKER ...]`: bring symbols up to date from the configured provider (parley.markets.fetching);
`parley prices status [TICKER ...]`: each symbol's last close and how its fetching goes."""
import argparse
import logging
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parley.markets.fetching import freshness, refresh, wanted_symbols
from parley.markets.instruments import (
    INDICES,
    SEC_FUNDS,
    SEC_FUNDS_URL,
    InstrumentError,
    describe_all,
    store_sec_funds,
)
from parley.markets.models import Instrument, PriceProvider
from parley.markets.providers import NotConfigured, configured
from parley.markets.services import PriceFileError, import_path, plural
from parley.markets.symbols import companies_among, normalise

REASONS_SHOWN = 5  # row reasons printed per file at the default verbosity; -v 2 prints all kept (20)


@contextmanager
def _quiet(logger_name: str):
    """The command prints each symbol's outcome itself: the log's copy of a failure would say it twice."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = "Import daily prices: `parley prices import FILE_OR_FOLDER [--ticker BA] [--currency USD]`."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        load = commands.add_parser("import", help="Store the days of a Yahoo or Stooq CSV export, or a date,close file.")
        load.add_argument("--replace", action="store_true", help="Delete the stored days of each symbol in the file "
                                                                  "first (to correct its currency).")
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
        # Django gives the command's own parser -v; arguments after the subcommand's name are parsed
        # by the subcommand's parser, which must know it too ('parley prices import FILE -v 2'). Its
        # default is SUPPRESS so that 'parley prices -v 2 import FILE' is not overwritten.
        for sub in (load, known, ask, state):
            sub.add_argument("-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS,
                             help="0: only errors; 1: each file's first reasons (default); 2: every reason kept.")

    def handle(self, command, path=None, ticker=None, currency="USD", **options):
        if command == "symbols":
            return self.symbols(options.get("sec_funds"))
        if command == "fetch":
            return self.fetch(options.get("tickers") or [])
        if command == "status":
            return self.status(options.get("tickers") or [])
        return self.load(path, ticker, currency, options.get("replace", False), options.get("verbosity", 1))

    def load(self, path, ticker, currency, replace, verbosity):
        """`parley prices import`: per file what was stored, why rows or the file were refused, what
        is worth a look, then a total; fails (exit 1) when a file was refused whole or nothing stored."""
        try:
            reports = import_path(path, ticker, currency, replace)
        except PriceFileError as exc:
            raise CommandError(str(exc)) from None
        say = self.stdout.write if verbosity >= 1 else (lambda text: None)
        for report in reports:
            say(report.said())
            if report.whole:
                continue
            shown = report.problems if verbosity >= 2 else report.problems[:REASONS_SHOWN]
            for reason in shown:
                say(f"  refused {reason}")
            if report.refused and len(shown) < report.refused:
                more = "" if verbosity >= 2 or len(report.problems) <= len(shown) else " (-v 2 prints the first 20)"
                say(f"  ... {plural(report.refused - len(shown), 'more row')} refused{more}")
            for warning in report.warnings:
                say(f"  warning: {warning}")
        stored, refused = sum(r.stored for r in reports), sum(r.refused for r in reports)
        say(f"{plural(len(reports), 'file')}: {plural(stored, 'day')} stored, {plural(refused, 'row')} refused "
            "(each import is listed in the admin under Markets, Price imports).")
        for symbol in self._unknown(set().union(*(r.symbols for r in reports))):
            say(f"Note: {symbol} is not in Parley's company list or its instruments: its prices are stored, shown on "
                f"/t/{symbol}/ and served by the API without a company name. If that is not the symbol you meant, "
                "check the file's name or --ticker.")
        whole = [r for r in reports if r.whole]
        if whole or not stored:
            why = (f"{plural(len(whole), 'file')} of {len(reports)} refused whole" if whole else
                   "nothing was stored")
            if verbosity >= 1:  # the reasons are printed above
                names = ", ".join(Path(r.path).name for r in whole[:5]) + (", ..." if len(whole) > 5 else "")
                raise CommandError(f"{why}" + (f" ({names}); their reasons are above" if whole else "; see the reasons above"))
            raise CommandError(f"{why}: {'; '.join(r.said() for r in whole[:3]) if whole else 'every row was refused'}")

    @staticmethod
    def _unknown(symbols: set[str]) -> list[str]:
        """The symbols neither the company list (enrichment's, through its hook) nor markets' instruments know."""
        if not symbols:
            return []
        known = companies_among(symbols) | set(describe_all(symbols))
        return sorted(symbols - known)

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
        with _quiet("parley.markets"):
            outcomes = refresh(symbols, provider=provider, explicit=bool(tickers))
        counts: dict[str, int] = {}
        for outcome in outcomes:
            self.stdout.write(outcome.line())
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        said = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        total = (f"{plural(len(outcomes), 'symbol')} from {provider.name}: {said}; "
                 f"{plural(sum(o.stored for o in outcomes), 'day')} stored")
        self.stdout.write(f"{total} (each request is listed in the admin under Markets, Price fetches).")
        # Nothing brought up to date and something went wrong: a cron job or a script must see it.
        went_wrong = sum(counts.get(s, 0) for s in ("failed", "unknown", "limited"))
        if went_wrong and not counts.get("ok"):
            raise CommandError(f"nothing was fetched: {total}")

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
                line += (f"; {budget.requests_this_hour} sent in the hour from {budget.hour:%Y-%m-%d %H:%M} UTC, "
                         f"{budget.requests_today} on {budget.day} (requests that reached it)")
            if budget and budget.paused_until:
                line += f"; asked to wait until {budget.paused_until:%Y-%m-%d %H:%M} UTC"
            if budget and budget.last_error:
                line += f"; last error: {budget.last_error}"
            self.stdout.write(line)
        rows = freshness(symbols)
        if not rows:
            self.stdout.write("No symbol has stored prices, is fetched, followed or in recent articles.")
        for row in rows:
            self.stdout.write(row.line())
