"""Date lines as news pages print them: "Nov 25", "November 25, 2025 10:30 AM ET", "2 hours ago"."""
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateutil_parser
from dateutil import tz
from django.utils import timezone

MONTHS = r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
HAS_MONTH = re.compile(rf"\b({MONTHS})\.?\b", re.I)
NUMERIC_DATE = re.compile(r"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b")
HAS_YEAR = re.compile(r"\b(19|20)\d{2}\b")
RELATIVE = re.compile(
    r"^(?P<n>\d+|an?|one)\s*(?P<unit>s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)\s+ago$", re.I)
DAY_WORD = re.compile(r"^(?P<day>just now|now|today|yesterday)(?:[,\s]+(?:at\s+)?(?P<time>.+))?$", re.I)
LEAD_WORDS = re.compile(r"^(published|updated|posted|last updated|first published)\s*(on|at)?\s*:?\s*", re.I)
# A page's date line is short; anything longer is a sentence that happens to hold a date.
MAX_DATE_LINE = 60
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# Abbreviations news pages use; dateutil knows none of them without help.
ZONES = {
    "ET": tz.gettz("America/New_York"), "EST": tz.gettz("America/New_York"), "EDT": tz.gettz("America/New_York"),
    "CT": tz.gettz("America/Chicago"), "CST": tz.gettz("America/Chicago"), "CDT": tz.gettz("America/Chicago"),
    "PT": tz.gettz("America/Los_Angeles"), "PST": tz.gettz("America/Los_Angeles"),
    "PDT": tz.gettz("America/Los_Angeles"), "UTC": tz.UTC, "GMT": tz.UTC, "Z": tz.UTC,
    "BST": tz.gettz("Europe/London"), "CET": tz.gettz("Europe/Paris"), "CEST": tz.gettz("Europe/Paris"),
    "HKT": tz.gettz("Asia/Hong_Kong"), "SGT": tz.gettz("Asia/Singapore"), "JST": tz.gettz("Asia/Tokyo"),
}
# A year-less date more than this far past the reference belongs to the year before.
FUTURE_SLACK = timedelta(days=2)


@dataclass(frozen=True)
class ParsedDate:
    when: datetime
    inferred: bool  # the year, or the whole date, came from the reference date


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else timezone.make_aware(value, timezone.get_current_timezone())


def parse_date_line(line: str, reference: datetime) -> ParsedDate | None:
    """Return the date a page's date line states, or None when the line is not a date line
    (or states a date no calendar holds: "99999999 days ago", an offset of 30 hours)."""
    try:
        parsed = _parse_date_line(line, reference)
        if parsed is not None:
            parsed.when.astimezone(UTC)  # the offset and the year must survive the trip to UTC
        return parsed
    except (OverflowError, ValueError):
        return None


def _parse_date_line(line: str, reference: datetime) -> ParsedDate | None:
    text = re.sub(r"\s+[·|•]\s+", " ", LEAD_WORDS.sub("", line.strip())).strip(" ·|-")
    if not text or len(text) > MAX_DATE_LINE:
        return None
    reference = _aware(reference)
    rel = RELATIVE.match(text)
    if rel:
        n = 1 if rel["n"].lower() in ("a", "an", "one") else int(rel["n"])
        return ParsedDate(reference - timedelta(seconds=n * UNIT_SECONDS[rel["unit"][0].lower()]), True)
    day = DAY_WORD.match(text)
    if day:
        word = day["day"].lower()
        base = reference - timedelta(days=1) if word == "yesterday" else reference
        if word in ("now", "just now") or not day["time"]:
            return ParsedDate(base, True)
        try:
            t = dateutil_parser.parse(day["time"], tzinfos=ZONES)
        except (ValueError, OverflowError):
            return None
        local = base.astimezone(t.tzinfo) if t.tzinfo else timezone.localtime(base)
        return ParsedDate(local.replace(hour=t.hour, minute=t.minute, second=0, microsecond=0), True)
    if not (HAS_MONTH.search(text) or NUMERIC_DATE.search(text)):
        return None
    local_ref = timezone.localtime(reference)
    default = local_ref.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        parsed = dateutil_parser.parse(text, default=default, tzinfos=ZONES)
    except (ValueError, OverflowError):
        return None
    parsed = _aware(parsed)
    if HAS_YEAR.search(text) or re.search(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}\b", text):
        return ParsedDate(parsed, False)
    if parsed > reference + FUTURE_SLACK:
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:  # Feb 29 of a leap year, a year on
            parsed = parsed.replace(year=parsed.year - 1, day=28)
    return ParsedDate(parsed, True)
