"""`parley prices import` and `status` tell the operator the truth (issue 24, after a newcomer's trial):
a file refused whole is said with its reasons and fails the command; Stooq's own download names;
reasons in words; a day given twice named by both lines; currencies checked; unknown symbols
noted; splits in plain closes warned about; imported symbols in `status`. Real files, real database."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parley.markets.csvfiles import source_of
from parley.markets.models import DailyBar, PriceFetch, PriceImport
from parley.markets.services import import_file

pytestmark = pytest.mark.django_db

STOOQ = """Date,Open,High,Low,Close,Volume
2025-11-20,214.1,216.9,212.55,215.73,7120391
2025-11-21,215.0,219.4,214.2,218.65,8032114
2025-11-25,219.1,220.0,216.3,217.02,6101229
"""


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def run(*args):
    """The command's output and, when it failed, its error (None when it exited 0)."""
    out = StringIO()
    try:
        call_command("prices", *map(str, args), stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def test_a_file_refused_whole_is_said_with_its_reason_and_fails_the_command(tmp_path):
    out, error = run("import", write(tmp_path, "TSLA.csv", STOOQ), "--ticker", "BA")
    assert "TSLA.csv: refused whole, nothing stored: the file is named for TSLA but --ticker says BA" in out
    assert error and "1 file of 1 refused whole" in error
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "BA.csv", STOOQ)
    write(folder, "notes.txt", "bought more on Monday\n")
    out, error = run("import", folder)
    assert "notes.txt: refused whole, nothing stored: its first line names no Date and Close column" in out
    assert "BA.csv: 3 days stored for BA (stooq csv)" in out
    assert error and "1 file of 2 refused whole" in error  # what was good is stored all the same
    assert DailyBar.objects.filter(symbol="BA").count() == 3


def test_nothing_stored_fails_the_command_and_row_reasons_are_printed(tmp_path):
    rows = "".join(f"2025-11-{day:02},10,9,11,10.5,10.5,100\n" for day in range(1, 26))  # 25 days, low above high
    path = write(tmp_path, "BA.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n" + rows)
    out, error = run("import", path)
    assert error and "nothing was stored" in error
    assert out.count("  refused line ") == 5 and "refused line 2: 2025-11-01: low 11 above high 9" in out
    assert "... 20 more rows refused (-v 2 prints the first 20)" in out
    out, error = run("import", path, "-v", "2")  # after the subcommand, as Django commands take it
    assert out.count("  refused line ") == 20 and "... 5 more rows refused\n" in out
    out, error = run("-v", "0", "import", path)  # before it too; 0 prints nothing, the error still says
    assert out == "" and "nothing was stored" in error


def test_stooq_download_names(tmp_path):
    out, error = run("import", write(tmp_path, "msft_us_d.csv", STOOQ))
    assert error is None and "msft_us_d.csv: 3 days stored for MSFT (stooq csv)" in out
    out, error = run("import", write(tmp_path, "msft_us_w.csv", STOOQ))
    assert "its name says it is Stooq's weekly file (_w); Parley stores daily prices: download the daily one " \
           "(msft_us_d.csv)" in out and error
    assert "Stooq's monthly file" in import_file(write(tmp_path, "msft_us_m.csv", STOOQ)).whole
    assert DailyBar.objects.filter(symbol="MSFT").count() == 3


def test_reasons_in_words_with_the_fix(tmp_path):
    report = import_file(write(tmp_path, "BA.csv", "Date,Close\n12/05/2026,10\n2026-13-01,10\n2025-11-20,abc\n"))
    assert report.problems == [
        "line 2: a day written 12/05/2026: Parley reads days as YYYY-MM-DD (2026-12-05 or 2026-05-12, whichever it "
        "is), as Yahoo and Stooq export them; dates like 12/05/2026 are ambiguous (month/day or day/month), so none "
        "is guessed",
        "line 3: '2026-13-01' is no day of the calendar (month must be in 1..12); Parley reads days as YYYY-MM-DD",
        "line 4: 'abc' is not a number"]
    report = import_file(write(tmp_path, "SAP.csv", "Date;Close\n01.12.2026;210,5\n"), currency="EUR")
    assert "a day written 01.12.2026 (day.month.year, as European spreadsheets save them): Parley reads days as " \
           "YYYY-MM-DD (2026-12-01)" in report.problems[0]
    binary = tmp_path / "BIN.csv"
    binary.write_bytes(b"Date,Close\n2025-11-20,\xff10\n")
    assert "it is not UTF-8 text (byte 0xff at position 22 is no UTF-8 character): save it as 'CSV UTF-8'" \
           in import_file(binary).whole


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path):
    """Excel's 'Unicode text': UTF-16 with a byte order mark, tabs between fields."""
    path = write(tmp_path, "BA.txt", "Date\tOpen\tHigh\tLow\tClose\tVolume\r\n2025-11-20\t214,1\t216,9\t212,55\t215,73\t7120391\r\n",
                 encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    report = import_file(path)
    assert report.stored == 1 and DailyBar.objects.get(symbol="BA").close == Decimal("215.73")


def test_only_yahoos_own_header_is_called_yahoo():
    assert source_of(["day", "open", "high", "low", "close", "adj_close", "volume"]) == "yahoo csv"
    assert source_of(["day", "close", "adj_close"]) == "csv"
    assert source_of(["day", "open", "high", "low", "close", "volume"]) == "stooq csv"


def test_a_day_given_several_times_names_its_lines_and_counts_each_row(tmp_path):
    text = ("Date,Close\n2025-10-14,10\n2025-10-15,11\n2025-10-15,12\n2025-10-16,13\n"
            "2025-10-17,14\n2025-10-17,15\n2025-10-17,14\n")
    report = import_file(write(tmp_path, "BA.csv", text))
    assert report.problems == ["lines 3 and 4: 2025-10-15 appears twice with different prices; neither is kept",
                               "lines 6, 7 and 8: 2025-10-17 appears 3 times with different prices; none is kept"]
    assert report.refused == 5 and report.stored == 2
    out, _ = run("import", write(tmp_path, "AAPL.csv", "Date,Close\n2025-10-14,10\n"))
    assert "AAPL.csv: 1 day stored for AAPL (csv)\n" in out and "1 file: 1 day stored, 0 rows refused" in out


def test_currencies_are_iso_codes_and_never_mixed_in_one_history(tmp_path):
    path = write(tmp_path, "BA.csv", STOOQ)
    out, error = run("import", path, "--currency", "XYZ")
    assert "--currency 'XYZ' is not a three-letter currency code in use (ISO 4217" in out and error
    assert "not a three-letter currency" in import_file(path, currency="DEM").whole  # the mark, gone since 2002
    run("import", path)
    out, error = run("import", path, "--currency", "eur")
    assert "BA's stored prices are in USD and these are in EUR (--currency EUR): one symbol's history is kept in " \
           "one currency, never mixed" in out and error
    assert set(DailyBar.objects.values_list("currency", flat=True)) == {"USD"}
    out, error = run("import", path, "--currency", "EUR", "--replace")
    assert error is None and set(DailyBar.objects.values_list("currency", flat=True)) == {"EUR"}


def test_a_symbol_parley_does_not_know_is_noted(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("ZZZZQ.csv", "AAPL.csv", "^GSPC.csv"):
        write(folder, name, "Date,Close\n2025-11-20,10\n")
    out, error = run("import", folder)
    assert error is None
    assert ("Note: ZZZZQ is not in Parley's company list or its instruments: its prices are stored, shown on "
            "/t/ZZZZQ/ and served by the API without a company name") in out
    assert "Note: AAPL" not in out and "Note: ^GSPC" not in out  # a listed company, a built-in index


def test_a_split_in_plain_closes_is_warned_about_and_kept(tmp_path):
    out, error = run("import", write(tmp_path, "AAPL.csv", "Date,Close\n2020-08-28,499.23\n2020-08-31,129.04\n"
                                                            "2020-09-01,134.18\n"))
    warning = ("AAPL 2020-08-31: the close moved -74% from the day before; if that is a split, import a file with "
               "adjusted closes (Yahoo's Adj Close)")
    assert f"  warning: {warning}" in out and error is None
    assert DailyBar.objects.filter(symbol="AAPL").count() == 3
    assert PriceImport.objects.get().warnings == [warning]
    # a second file for the symbol, +199% overnight from the first file's last close
    report = import_file(write(tmp_path, "prices.csv", "Date,Close\n2020-09-02,401.00\n"), ticker="AAPL")
    assert report.warnings == ["AAPL 2020-09-02: the close moved +199% from the day before; if that is a split, "
                               "import a file with adjusted closes (Yahoo's Adj Close)"]
    # the same split with adjusted closes beside: nothing to warn about
    yahoo = ("Date,Open,High,Low,Close,Adj Close,Volume\n"
             "2020-08-28,504.05,505.77,498.31,499.23,123.83,46907500\n"
             "2020-08-31,127.58,131.00,126.00,129.04,128.04,225702700\n")
    assert import_file(write(tmp_path, "TSLA.csv", yahoo)).warnings == []


def test_status_lists_imported_symbols_too(tmp_path, settings):
    settings.PARLEY_PRICES_PROVIDER = settings.PARLEY_PRICES_URL = settings.PARLEY_PRICES_KEY = ""
    run("import", write(tmp_path, "BA.csv", STOOQ))
    out, error = run("status")
    assert error is None
    assert "BA: last close 2025-11-25 (stooq csv); imported, not fetched" in out


def test_the_admin_says_price_fetches(admin_client):
    assert PriceFetch._meta.verbose_name_plural == "price fetches"
    page = admin_client.get("/admin/markets/").content.decode()
    assert "Price fetches" in page and "Price fetchs" not in page

