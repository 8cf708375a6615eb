"""`parley prices import FILE|FOLDER [--ticker BA] [--currency USD]`: store daily prices from the CSV
exports people already have (Yahoo, Stooq, or a plain date,close)."""
from django.core.management.base import BaseCommand, CommandError

from parley.markets.services import PriceFileError, import_path


class Command(BaseCommand):
    help = "Import daily prices: `parley prices import FILE_OR_FOLDER [--ticker BA] [--currency USD]`."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        load = commands.add_parser("import", help="Store the days of a Yahoo or Stooq CSV export, or a date,close file.")
        load.add_argument("path", help="A file, or a folder of .csv and .txt files (one symbol each, named for it).")
        load.add_argument("--ticker", help="Whose prices the file holds, when its name does not say (BA, BRK-B, ^GSPC).")
        load.add_argument("--currency", default="USD", help="The prices' currency, a three-letter code (default USD).")

    def handle(self, command, path, ticker=None, currency="USD", **options):
        try:
            reports = import_path(path, ticker, currency)
        except PriceFileError as exc:
            raise CommandError(str(exc)) from None
        for report in reports:
            self.stdout.write(report.said())
        stored, refused = sum(r.stored for r in reports), sum(r.refused for r in reports)
        self.stdout.write(f"{len(reports)} file{'s' if len(reports) != 1 else ''}: {stored} days stored, {refused} refused "
                          "(each import is listed in the admin under Markets).")
