"""`import_path()` and `parley import` on real files, good and bad, against the real database."""
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parley.articles.models import Article, Outlet
from parley.sources.services import import_path

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "wire_full_date.txt").read_text()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def only(reports):
    assert len(reports) == 1
    return reports[0]


@pytest.mark.django_db
def test_seed_import_stores_article_and_disclaimer(seed_page, reference):
    """Ensure the seed page is stored with its outlet's disclaimer and nothing of the furniture."""
    report = only(import_path([str(seed_page)], reference_date=reference))
    assert report.counts["imported"] == 1
    article = Article.objects.get()
    assert article.outlet.name == "Deep News"
    assert article.published_at.year == 2025 and article.date_inferred
    assert len(article.paragraphs()) == 15
    assert article.disclaimer_to_show().text.startswith("Investing carries risk.")
    assert "Most Discussed" not in article.body_html and "TTM assumes" not in article.body_text


@pytest.mark.django_db
def test_a_year_less_page_imported_again_in_another_year_is_the_same_article(seed_page, reference, make_article):
    """Ensure the seed (its date has no year) imported with reference dates in two years is one
    article, keeping its first date, and "More from" its outlet never links it to a twin."""
    from datetime import timedelta

    from django.test import Client

    assert only(import_path([str(seed_page)], reference_date=reference)).counts["imported"] == 1
    again = only(import_path([str(seed_page)], reference_date=reference + timedelta(days=400)))
    assert again.counts["imported"] == 0
    article = Article.objects.get()
    assert article.published_at.year == 2025
    make_article(title="Another Deep News story", outlet="Deep News")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert page.count(f'href="{article.get_absolute_url()}"') <= 1


@pytest.mark.django_db
def test_reimport_is_unchanged(tmp_path):
    """Ensure importing the same page twice stores one article and says 'unchanged'."""
    path = write(tmp_path, "page.txt", PAGE)
    assert only(import_path([path])).counts["imported"] == 1
    assert only(import_path([path])).counts["unchanged"] == 1
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_edited_body_updates_same_article(tmp_path):
    """Ensure a corrected page updates the stored article instead of adding a second one."""
    first = write(tmp_path, "a.txt", PAGE)
    second = write(tmp_path, "b.txt", PAGE.replace("3.1%", "3.2%"))
    import_path([first])
    pk = Article.objects.get().pk
    assert only(import_path([second])).counts["updated"] == 1
    assert Article.objects.get().pk == pk and "3.2%" in Article.objects.get().body_text


@pytest.mark.django_db
def test_same_url_with_tracking_params_is_one_article(tmp_path):
    """Ensure two JSON lines whose URLs differ only in utm_* parameters make one article."""
    line = '{"title": "T", "outlet": "O", "published": "2025-11-20T10:00:00Z", "url": "%s", "body": "B."}'
    path = write(tmp_path, "x.jsonl", "\n".join([
        line % "https://Example.com/story/?utm_source=x", line % "https://example.com/story#top"]))
    report = only(import_path([path]))
    assert report.counts["imported"] == 1 and report.counts["unchanged"] == 1


@pytest.mark.django_db
def test_json_lines_bad_lines_reported_good_lines_kept():
    """Ensure each bad JSON line is refused with its line number while the good ones are stored."""
    report = only(import_path([str(FIXTURES / "bulk.jsonl")]))
    assert report.counts["imported"] == 3
    assert report.counts["refused"] == 3 and report.ok
    joined = " | ".join(report.reasons)
    assert "line 3: missing field 'title'" in joined
    assert "line 4: field 'published' must be a string, not int" in joined
    assert "line 5: not valid JSON" in joined
    assert "<script" not in Article.objects.get(title="Utility Sells Bonds").body_html


@pytest.mark.django_db
def test_hostile_html_is_sanitised():
    """Ensure scripts, styles, iframes, handlers and javascript: links never reach stored HTML."""
    only(import_path([str(FIXTURES / "hostile.html")]))
    article = Article.objects.get()
    stored = article.body_html.lower()
    for bad in ("<script", "<style", "<iframe", "onerror", "onclick", "onload", "javascript:", "alert("):
        assert bad not in stored
    assert article.url == "https://circuit-times.example/news/chipmaker-beats"


@pytest.mark.django_db
@pytest.mark.parametrize("name, data, reason, unreadable", [
    ("empty.txt", b"", "empty file", True),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary file", True),
    ("nohead.txt", "\n\n\n" + "x" * 400 + ".\n", "no headline", False),
    ("nodate.txt", "Headline\n\nOutlet\nsome day soon\n\nBody text.\n", "no date line", False),
    ("empty.html", "<html><head></head><body></body></html>", "not an article: too little prose", False),
    ("bad.jsonl", '{"title": "x"}\n', "missing field 'published'", False),
    ("baddate.jsonl", '{"title": "x", "published": "last Tuesday", "body": "y"}', "is not an ISO 8601 date", False),
    ("late.txt", "Headline\n\nOutlet\nFeb 30, 2025\n\nBody text.\n", "no date line", False),
])
def test_bad_file_gets_one_reason_and_stores_nothing(tmp_path, name, data, reason, unreadable):
    """Ensure a bad file is reported with a clear reason and leaves no article or outlet behind: a
    file that cannot be read fails, a file whose one record is not an article has it refused."""
    report = only(import_path([write(tmp_path, name, data)]))
    assert (report.failed, report.counts["refused"]) == ((True, 0) if unreadable else (False, 1))
    assert reason in report.reasons[0]
    assert not Article.objects.exists() and not Outlet.objects.exists()


@pytest.mark.django_db
def test_missing_path_is_reported(tmp_path):
    """Ensure a path that does not exist is reported, not raised."""
    report = only(import_path([str(tmp_path / "nope.txt")]))
    assert report.reasons == ["no such file or directory"]


@pytest.mark.django_db
def test_file_over_size_limit_is_refused(tmp_path, settings):
    """Ensure a file over PARLEY_IMPORT_MAX_BYTES is refused before it is read."""
    settings.PARLEY_IMPORT_MAX_BYTES = 100
    report = only(import_path([write(tmp_path, "big.txt", PAGE)]))
    assert "over the import limit of 100" in report.reasons[0]
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("codec", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_legacy_encodings_import(tmp_path, codec):
    """Ensure pages saved as cp1252, Latin-1, UTF-16 with BOM or UTF-8 with BOM import with their accents."""
    text = PAGE.replace("Harbor Wire", "Caf\u00e9 Wire")
    if codec != "latin-1":
        text = text.replace('"We are', "\u201cWe are").replace('timid,"', "timid,\u201d")
    report = only(import_path([write(tmp_path, "p.txt", text.encode(codec))]))
    assert report.counts["imported"] == 1, report.reasons
    article = Article.objects.get()
    assert article.outlet.name == "Caf\u00e9 Wire"
    assert (codec == "latin-1") or "\u201cWe are" in article.body_text


@pytest.mark.django_db
def test_bad_file_does_not_stop_others(tmp_path):
    """Ensure one bad file in a folder is reported while the others import."""
    write(tmp_path, "a.txt", PAGE)
    write(tmp_path, "b.txt", b"\x00\x01\x02")
    write(tmp_path, "c.jsonl", (FIXTURES / "bulk.jsonl").read_bytes())
    reports = import_path([str(tmp_path)])
    assert [Path(r.path).name for r in reports] == ["a.txt", "b.txt", "c.jsonl"]
    assert Article.objects.count() == 4


@pytest.mark.django_db
def test_import_command_reports_each_file_and_fails_on_errors(tmp_path, capsys):
    """Ensure `parley import` prints one line per file and exits non-zero when a file failed."""
    good, bad = write(tmp_path, "good.txt", PAGE), str(tmp_path / "missing.txt")
    with pytest.raises(CommandError, match="1 of 2 files could not be read"):
        call_command("import", good, bad)
    out = capsys.readouterr().out
    assert f"{good}: 1 imported" in out and f"{good}: failed" not in out
    assert f"{bad}: failed, 0 imported (no such file or directory)" in out


def test_import_from_stdin_through_the_cli(tmp_path):
    """Ensure `parley import -` reads a page from standard input in a real process."""
    env = {"PARLEY_DATA_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    cli = [sys.executable, "-m", "parley.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    done = subprocess.run([*cli, "import", "-", "--reference-date", "2025-11-28"], input=PAGE.encode(),
                          env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert b"-: 1 imported" in done.stdout and b"failed" not in done.stdout


@pytest.mark.django_db
def test_saved_feed_entries_become_clean_articles():
    """Ensure a saved RSS file's entries are stored with absolute links, no tracking and no script."""
    report = only(import_path([str(FIXTURES / "wire.rss")]))
    assert report.counts["imported"] == 2
    oil = Article.objects.get(title="Oil rises")
    assert oil.url == "https://wire.example/oil" and oil.outlet.name == "Wire & Co"
    assert 'href="https://wire.example/more"' in oil.body_html and "<script" not in oil.body_html
    assert oil.published_at.isoformat() == "2025-11-25T10:00:00+00:00" and not oil.date_inferred
    assert only(import_path([str(FIXTURES / "wire.rss")])).counts["unchanged"] == 2


def jsonl_line(title, published, body, **extra):
    import json
    return json.dumps({"title": title, "outlet": "Harbor Wire", "published": published, "body": body, **extra})


@pytest.mark.django_db
def test_json_lines_hostile_lines_fail_one_at_a_time_with_readable_reasons(tmp_path):
    """Ensure a 5,000-digit number, 100,000 nested brackets and a date past the calendar in UTC each
    fail their own line with a reason a person can read, while the lines around them import."""
    huge = '{"title": "Huge", "published": "2025-11-20T10:00:00Z", "body": "B.", "views": %s}' % ("7" * 5000)
    lines = [
        jsonl_line("Bank lifts outlook", "2025-11-20T10:00:00Z", "The bank raised its outlook.",
                   url="https://harbor.example/bank-lifts-outlook"),
        huge,
        "[" * 100_000,
        jsonl_line("Dated past the calendar", "9999-12-31T23:59:00-05:00", "Late body."),
        jsonl_line("Miner cuts guidance", "2025-11-21T09:30:00Z", "The miner cut its guidance.",
                   url="https://harbor.example/miner-cuts-guidance"),
    ]
    report = only(import_path([write(tmp_path, "hostile.jsonl", "\n".join(lines) + "\n")]))
    assert (report.counts["imported"], report.counts["refused"]) == (2, 3), report.reasons
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Bank lifts outlook", "Miner cuts guidance"]
    by_line = {reason.split(":", 1)[0]: reason for reason in report.reasons}
    assert sorted(by_line) == ["line 2", "line 3", "line 4"], report.reasons
    for reason in report.reasons:
        assert "internal error" not in reason and "Traceback" not in reason, reason
    assert "digits" in by_line["line 2"]
    assert "nested too deeply" in by_line["line 3"]
    assert "'published'" in by_line["line 4"] and "9999-12-31" in by_line["line 4"]


MID_FURNITURE_PARAGRAPHS = [
    "A streaming service added more paying members than analysts had expected in the third quarter, "
    "even after it raised the price of its cheapest plan in most of its markets.",
    "Subscribers grew 12% in the quarter to 301 million, the company said, with the largest gains in "
    "Asia and Latin America, where it has been bundling its service with mobile phone plans.",
    "Revenue rose 15% to $9.8 billion, and the operating margin widened to 29%, helped by lower "
    "spending on new series and a growing advertising business.",
    "The chief executive said the company would keep raising prices where members watched the most, "
    "and that the advertising tier now made up more than half of new sign-ups where it was offered.",
    "Shares rose 6% in after-hours trading, adding to a gain of more than 40% so far this year.",
]


@pytest.mark.django_db
def test_text_page_keeps_prose_around_mid_article_headings_and_drops_the_furniture_after_it(tmp_path):
    """Ensure a text page whose furniture-like lines ('Tags', 'More from the call:') sit mid-article keeps
    every prose paragraph, drops the 'Most Discussed' headlines after the disclaimer, and notes the drop."""
    headlines = ["Chipmaker Beats Estimates on Data Centre Demand", "Oil Slides as Inventories Build",
                 "Regional Lender Raises Dividend as Deposits Stabilise"]
    p = MID_FURNITURE_PARAGRAPHS
    page = "\n\n".join([
        "Streaming Service Adds Subscribers Despite Price Rises",
        "Harbor Wire\nOctober 21, 2025 at 4:30 PM ET\nBy Jane Porter",
        p[0], p[1], "Tags", p[2], "More from the call:", p[3], p[4],
        "Disclaimer: This article is for information only and is not investment advice.",
        "Most Discussed", "\n".join(headlines),
    ]) + "\n"
    report = only(import_path([write(tmp_path, "streaming.txt", page)], fmt="text"))
    assert report.counts["imported"] == 1, report.reasons
    article = Article.objects.get()
    assert article.title == "Streaming Service Adds Subscribers Despite Price Rises"
    for paragraph in p:
        assert paragraph in article.body_text, paragraph[:40]
    for furniture in ["Most Discussed", *headlines, "not investment advice"]:
        assert furniture not in article.body_text
    assert any("dropped" in note for note in report.notes), report.notes


@pytest.mark.django_db
def test_json_lines_date_far_ahead_is_stored_as_read_time_with_a_note(tmp_path):
    """Ensure an article dated 2099 is stored with its date unknown, at the time it was read, and the report says why."""
    from django.utils import timezone

    path = write(tmp_path, "ahead.jsonl", jsonl_line("Sticky headline", "2099-01-01T00:00:00Z", "Pinned on top?") + "\n")
    report = only(import_path([path]))
    assert report.counts["imported"] == 1, report.reasons
    article = Article.objects.get()
    assert article.date_unknown and not article.date_inferred
    assert abs((article.published_at - timezone.now()).total_seconds()) < 60
    assert any("more than a day ahead" in note for note in report.notes), report.notes
