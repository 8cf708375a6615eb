"""Date lines as news pages print them: "Nov 25", "November 25, 2025 10:30 AM ET", "2 hours ago"."""
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

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
        localized = DateReader()._localized(text)  # "24 de setembro de 2018", "3. Dezember 2018 10:00"
        return ParsedDate(localized, False) if localized else None
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


# -- dates in any language --------------------------------------------------------------------
# Feeds and pages state dates in their own language ("Seg, 24 Set 2018 19:42:40 -0300"). The fast
# path reads the RFC 822 shape with month names in the document's language (from the CLDR data that
# babel ships); dateparser, slower, reads the rest, limited to the declared language when there is
# one. A date neither can read is unknown, never "now".
NEWS_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "ru", "pl", "tr", "sv", "da", "nb", "fi", "cs",
                  "ro", "hu", "el", "uk", "id", "ja", "zh", "ko", "ar", "he", "hi", "th", "vi")
LOCALIZED = re.compile(
    r"^\s*(?:[^\W\d_]+\.?,?\s+)?(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[^\W\d_]+)\.?,?\s+(?:de\s+)?(?P<year>\d{4}),?"
    r"(?:\s+(?:à|a las|às|um|alle|om|в|kl\.?)?\s*(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\s*$")
# dateparser is costly (10-20 ms a date); a document whose dates it keeps failing on is given up.
MAX_FALLBACK_FAILURES = 5


def language_of(tag: str) -> str:
    """Return the primary language of a language tag ("pt-BR" gives "pt"), or ''."""
    found = re.match(r"^\s*([A-Za-z]{2,3})\b", tag or "")
    return found[1].lower() if found else ""


@lru_cache(maxsize=64)
def month_names(language: str) -> dict[str, int]:
    """Return {lower-case month name or abbreviation, without its dot: month number} for a language."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_month_names

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return {}
    names = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                names.setdefault(name.lower().rstrip("."), number)
    return names


class DateReader:
    """Read the dates of one document (a feed, a page) in its declared language, if it declares one."""

    def __init__(self, language: str = ""):
        self.language = language_of(language)
        self.failures = 0

    def read(self, raw: str) -> datetime | None:
        """Return the moment a date string states (with its zone, else the site's), or None."""
        text = " ".join((raw or "").split())[:100]
        if not text:
            return None
        found = self._localized(text)
        if found is None and self.failures < MAX_FALLBACK_FAILURES:
            found = self._fallback(text)
            self.failures += found is None
        try:
            if found is not None:
                found.astimezone(UTC)  # the offset and the year must survive the trip to UTC
        except (OverflowError, ValueError):
            return None
        return found

    def _localized(self, text: str) -> datetime | None:
        match = LOCALIZED.match(text)
        if not match:
            return None
        month_word = match["month"].lower().rstrip(".")
        for language in ([self.language] if self.language else []) + list(NEWS_LANGUAGES):
            month = month_names(language).get(month_word)
            if month:
                break
        else:
            return None
        zone = match["zone"]
        try:
            tzinfo = _zone(zone)
            if zone and tzinfo is None:
                return None
            moment = datetime(int(match["year"]), month, int(match["day"]), int(match["hour"] or 0),
                              int(match["minute"] or 0), int(match["second"] or 0), tzinfo=tzinfo)
        except ValueError:
            return None
        return _aware(moment)

    def _fallback(self, text: str) -> datetime | None:
        import dateparser

        settings = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": str(timezone.get_current_timezone()),
                    "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                    # a document's date is stated, never relative ("um dia" is not yesterday)
                    "PARSERS": ["timestamp", "custom-formats", "absolute-time"]}
        for languages in ([self.language], list(NEWS_LANGUAGES)) if self.language else (list(NEWS_LANGUAGES),):
            try:
                return dateparser.parse(text, languages=languages, settings=settings)
            except (ValueError, OverflowError, TypeError, AttributeError):  # a language dateparser does not know
                continue
        return None


def _zone(name: str | None):
    """Return the tzinfo of a zone as dates write it (+0300, -03:00, Z, GMT, EST), None if unknown."""
    if not name:
        return None
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            raise ValueError("offset past a day")
        return tz.tzoffset(None, (offset if name[0] == "+" else -offset).total_seconds())
    return ZONES.get(name.upper())
