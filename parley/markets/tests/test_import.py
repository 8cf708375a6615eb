"""`parley prices import` on files in the providers' documented export formats, written here the way
the providers write them (Yahoo's Date,Open,High,Low,Close,Adj Close,Volume with "null" gaps and a
split, Stooq's CSV and bulk text files), and on the bad files the issue lists. Real database."""
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parley.markets.models import DailyBar, PriceImport
from parley.markets.services import import_file, import_path
from parley.markets.symbols import normalise

pytestmark = pytest.mark.django_db

YAHOO = """Date,Open,High,Low,Close,Adj Close,Volume
2020-08-27,498.820007,509.940002,495.329987,500.040009,124.035545,39421800
2020-08-28,504.049988,505.769989,498.309998,499.230011,123.834633,46907500
2020-08-31,127.580002,131.000000,126.000000,129.039993,128.041534,225702700
2020-09-01,null,null,null,null,null,null
2020-09-02,137.589996,137.979996,127.000000,131.399994,130.383240,200119000
"""
STOOQ = """Date,Open,High,Low,Close,Volume
2025-11-20,214.1,216.9,212.55,215.73,7120391
2025-11-21,215.0,219.4,214.2,218.65,8032114
2025-11-25,219.1,220.0,216.3,217.02,6101229
"""
STOOQ_BULK = """<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>
BA.US,D,20251120,000000,214.1,216.9,212.55,215.73,7120391,0
BA.US,D,20251121,000000,215,219.4,214.2,218.65,8032114,0
BRK-B.US,D,20251121,000000,498.1,501.2,497.0,500.5,3120001,0
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yahoo_export_with_a_gap_and_a_split_is_stored_as_given(tmp_path):
    report = import_file(write(tmp_path, "AAPL.csv", YAHOO))
    assert report.source == "yahoo csv" and report.symbols == {"AAPL"}
    assert report.stored == 4 and report.refused == 1 and "2020-09-01: no close" in report.problems[0]
    before, after = DailyBar.objects.get(day=date(2020, 8, 28)), DailyBar.objects.get(day=date(2020, 8, 31))
    # the 4-for-1 split: raw closes fall by three quarters, adjusted closes carry on: both are kept
    assert before.close == Decimal("499.230011") and after.close == Decimal("129.039993")
    assert before.adj_close == Decimal("123.834633") and after.adj_close > before.adj_close
    assert after.volume == 225702700 and after.currency == "USD"
    assert not DailyBar.objects.filter(day=date(2020, 9, 1)).exists()
    assert PriceImport.objects.get().refused == 1


def test_stooq_files_and_a_plain_date_close_file(tmp_path):
    import_file(write(tmp_path, "ba.us.txt", STOOQ))
    assert DailyBar.objects.filter(symbol="BA", source="stooq csv").count() == 3
    report = import_file(write(tmp_path, "bulk.txt", STOOQ_BULK))
    assert report.symbols == {"BA", "BRK.B"} and report.stored == 3
    assert DailyBar.objects.filter(symbol="BA").count() == 3  # the same days again replace, never double
    report = import_file(write(tmp_path, "prices.csv", "date,close\n2025-11-20,10.5\n2025-11-21,10.75\n"), ticker="^GSPC")
    assert report.symbols == {"^GSPC"} and report.source == "csv" and report.stored == 2


def test_symbols_as_brokers_write_them_are_one():
    assert normalise("BRK-B") == normalise("brk.b") == normalise("BRK/B") == "BRK.B"
    assert normalise("aapl.us") == "AAPL" and normalise("^gspc") == "^GSPC" and normalise("VTI") == "VTI"
    assert normalise("not a symbol") is None and normalise("") is None


def test_bad_rows_are_refused_each_with_its_reason_and_the_rest_stored(tmp_path):
    text = ("Date,Open,High,Low,Close,Adj Close,Volume\n"
            "2025-11-20,10,11,9,10.5,10.5,100\n"
            "2025-11-21,10,9,11,10.5,10.5,100\n"       # low above high
            "2025-11-24,10,11,9,12,12,100\n"          # close outside the day's range
            "2025-11-25,-1,11,9,10,10,100\n"          # a negative price
            "2025-11-26,10,11,9,10.2,10.2\n"          # a field short
            "yesterday,10,11,9,10,10,100\n"           # no date
            "2025-11-27,10,11,9,10.1,10.1,100\n"
            "2025-11-27,10,11,9,10.9,10.9,100\n"      # the same day twice, unlike: neither kept
            "2025-11-28,10,11,9,10.3,10.3,100\n"
            "2025-11-28,10,11,9,10.3,10.3,100\n")     # the same day twice, alike: kept once
    report = import_file(write(tmp_path, "BA.csv", text))
    assert sorted(str(d) for d in DailyBar.objects.values_list("day", flat=True)) == ["2025-11-20", "2025-11-28"]
    said = " | ".join(report.problems)
    for reason in ["low 11 above high 9", "outside the day's range", "zero or less", "fields where the header has 7",
                   "'yesterday' is not a day: Parley reads days as YYYY-MM-DD", "lines 8 and 9: 2025-11-27 appears twice"]:
        assert reason in said, reason
    assert report.refused == 7  # five bad rows, and both rows of the day given twice unlike


def test_european_exports_with_decimal_commas_and_ambiguous_commas(tmp_path):
    report = import_file(write(tmp_path, "SAP.csv", "Date;Open;High;Low;Close;Volume\n2025-11-20;210,5;212,1;209,0;211,25;1000\n"),
                         currency="EUR")
    bar = DailyBar.objects.get(symbol="SAP")
    assert report.stored == 1 and bar.close == Decimal("211.25") and bar.currency == "EUR"
    report = import_file(write(tmp_path, "BA.csv", 'Date,Close\n2025-11-20,"1,234"\n'))
    assert report.stored == 0 and "without guessing" in report.problems[0]


def test_whole_files_refused_with_a_reason(tmp_path):
    assert "named for BA but --ticker says AAPL" in import_file(write(tmp_path, "BA.csv", STOOQ), ticker="AAPL").problems[0]
    # a bulk file that also holds another symbol is refused whole: nothing of it is stored
    report = import_file(write(tmp_path, "c.txt", STOOQ_BULK), ticker="BA")
    assert "holds BRK.B's prices but --ticker says BA" in report.problems[-1] and report.stored == 0
    assert "names no Date and Close" in import_file(write(tmp_path, "x.csv", "<html><body>Error 503</body></html>\n"),
                                                   ticker="BA").problems[0]
    assert "nothing says whose prices" in import_file(write(tmp_path, "export.csv", STOOQ)).problems[0]
    assert "not a three-letter currency" in import_file(write(tmp_path, "BA.csv", STOOQ), currency="dollars").problems[0]
    big = tmp_path / "HUGE.csv"
    with big.open("wb") as handle:
        handle.truncate(100 * 2**20)  # 100 MB (sparse: nothing is written)
    assert "100 MB, over the 64 MB" in import_file(big).problems[0]
    binary = tmp_path / "BIN.csv"
    binary.write_bytes(b"Date,Close\n\xff\xfe\x00\x81")
    assert "not imported" in import_file(binary).problems[0]
    assert DailyBar.objects.count() == 0  # every refusal is recorded for the operator
    assert PriceImport.objects.filter(stored=0).count() == 7


def test_the_command_imports_a_folder_and_says_what_it_did(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "BA.csv", STOOQ)
    write(folder, "AAPL.csv", YAHOO)
    write(folder, "notes.md", "not prices")
    out = StringIO()
    call_command("prices", "import", str(folder), stdout=out)
    assert "2 files: 7 days stored, 1 row refused" in out.getvalue() and "AAPL" in out.getvalue()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("prices", "import", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="--ticker names one symbol"):
        call_command("prices", "import", str(folder), "--ticker", "BA")
    assert len(import_path(folder / "BA.csv")) == 1


def test_a_day_imported_again_is_replaced_not_doubled(tmp_path):
    """A corrected export replaces the days it gives again (the upsert) and keeps the others; twice in
    one transaction too (a bulk file of several symbols), where PostgreSQL reuses its staging table."""
    import_file(write(tmp_path, "BA.csv", STOOQ))
    corrected = STOOQ.replace("2025-11-21,215.0,219.4,214.2,218.65,8032114", "2025-11-21,215.0,219.4,214.2,218.00,8032114")
    report = import_file(write(tmp_path, "BA.csv", corrected))
    assert report.stored == 3 and DailyBar.objects.filter(symbol="BA").count() == 3
    assert DailyBar.objects.get(symbol="BA", day=date(2025, 11, 21)).close == Decimal("218.00")
    import_file(write(tmp_path, "all.txt", STOOQ_BULK))
    assert DailyBar.objects.filter(symbol="BA").count() == 3  # the bulk file's two BA days replaced, not added
    assert DailyBar.objects.get(symbol="BA", day=date(2025, 11, 21)).close == Decimal("218.65")
    assert DailyBar.objects.get(symbol="BRK.B").volume == 3120001
