"""`parley prices import FILE|FOLDER [--ticker BA] [--currency USD]`: store daily prices from the CSV
exports people already have (Yahoo, Stooq, or a plain date,close). `parley prices symbols [--sec-funds
FILE_OR_URL]`: know the ETFs and funds of the SEC's fund ticker list (parley.markets.instruments)."""
from django.core.management.base import BaseCommand, CommandError

from parley.markets.instruments import INDICES, SEC_FUNDS, SEC_FUNDS_URL, InstrumentError, store_sec_funds
from parley.markets.models import Instrument
from parley.markets.services import PriceFileError, import_path


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

    def handle(self, command, path=None, ticker=None, currency="USD", **options):
        if command == "symbols":
            return self.symbols(options.get("sec_funds"))
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
