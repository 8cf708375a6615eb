"""Time zones a reader can choose: the common ones first, then every place grouped by region, each
named by its city (and country, where the system's tz database says) with its offset now. Any zone
the system knows is accepted, listed or not (browsers report some older names, "Asia/Calcutta"),
except the names that are no place."""
import time
import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

# System names that name no place: "Factory" makes every time read "-00".
NOT_PLACES = {"localtime", "Factory", "posixrules"}
# Where readers of financial news most often are, and the markets' cities: listed first.
COMMON = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
          "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Zurich", "Africa/Johannesburg",
          "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Tokyo",
          "Australia/Sydney", "UTC"]
REGIONS = {"Africa": "Africa", "America": "Americas", "Antarctica": "Antarctica", "Arctic": "Arctic",
           "Asia": "Asia", "Atlantic": "Atlantic Ocean", "Australia": "Australia", "Europe": "Europe",
           "Indian": "Indian Ocean", "Pacific": "Pacific Ocean"}
MAX_NAME = 64  # Profile.time_zone's length; IANA names are at most about 30


def known(name: str) -> bool:
    """Whether `name` is a zone the system knows and a place (not "localtime", "Factory")."""
    return 0 < len(name) <= MAX_NAME and name not in NOT_PLACES and name in _available()


@lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _tab(name: str) -> list[list[str]]:
    """The rows of one of the tz database's tables (zone.tab, iso3166.tab), from the first
    folder of zoneinfo's search path that has it; none when the system has no such file."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                    if line and not line.startswith("#")]
    return []


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """{zone: its country's name} of the tz database's own zones (not its older aliases). Without
    the tables, every region's zone, with no country."""
    countries = {row[0]: row[1].strip() for row in _tab("iso3166.tab") if len(row) > 1}
    places = {row[2].strip(): countries.get(row[0].split(",")[0], "") for row in _tab("zone.tab") if len(row) > 2}
    places = {zone: country for zone, country in places.items() if zone in _available()}
    if not places:
        places = {zone: "" for zone in _available() if zone.split("/")[0] in REGIONS}
    return places


def offset(name: str, now: datetime) -> str:
    """The zone's offset at `now`: "UTC+09:00", "UTC-03:30", "UTC"."""
    delta = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def label(name: str, now: datetime) -> str:
    """A zone as a reader looks for it: "Buenos Aires (Argentina), Argentina · UTC-03:00"."""
    if name == "UTC":
        return "UTC, Coordinated Universal Time"
    parts = name.split("/")
    city = parts[-1].replace("_", " ")
    within = f" ({', '.join(p.replace('_', ' ') for p in parts[1:-1])})" if len(parts) > 2 else ""
    country = _places().get(name, "")
    return f"{city}{within}{', ' + country if country and country != city else ''} · {offset(name, now)}"


@lru_cache(maxsize=2)
def _groups(hour: int) -> tuple:
    now = datetime.fromtimestamp(hour * 3600, UTC)
    common = [(zone, label(zone, now)) for zone in COMMON if zone in _available()]
    by_region: dict[str, list] = {}
    for zone in _places():
        region = REGIONS.get(zone.split("/")[0])
        if region:
            by_region.setdefault(region, []).append((zone, label(zone, now)))
    regions = [(region, sorted(by_region[region], key=lambda choice: choice[1].casefold()))
               for region in sorted(by_region)]
    return tuple([("Common", common), *regions])


def zone_choices(site_zone: str, current: str = "") -> list:
    """The select's choices: the site's time, the common zones, then each region's, with offsets as
    of this hour. A reader's current zone that is not listed (an older name) is offered first."""
    choices = [("", f"The site's time ({site_zone})")]
    groups = list(_groups(int(time.time() // 3600)))
    listed = {zone for _, options in groups for zone, _ in options}
    if current and current not in listed and known(current):
        choices.append((current, f"{current.replace('_', ' ')} (your current zone) · "
                                 f"{offset(current, datetime.now(UTC))}"))
    return choices + groups
