"""The time-zone setting: common zones first, then every place grouped by region with its offset,
not a raw list of 600 names; the browser's own zone offered by a static script; the server checks
any zone chosen, listed or not."""
import re

import pytest

from parley.accounts.models import Profile
from parley.following.models import Preferences

pytestmark = pytest.mark.django_db
SETTINGS = "/accounts/settings/"


@pytest.fixture
def signed_in(client, reader):
    alice = reader("alice", email="alice@example.com", verified=True)
    client.force_login(alice)
    return alice


def zone_select(page: str) -> str:
    return page[page.index('<select name="time_zone"'):page.index("</select>", page.index('<select name="time_zone"'))]


def test_zones_are_grouped_with_the_common_ones_first(client, signed_in):
    """Ensure the list starts with the site's time and the common zones, then groups every place by
    region, each named by city and country with its offset, and leaves out the system's old aliases."""
    select = zone_select(client.get(SETTINGS).content.decode())
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups[0] == "Common" and {"Americas", "Europe", "Asia", "Africa", "Pacific Ocean"} <= set(groups)
    assert groups[1:] == sorted(groups[1:])
    assert select.index("The site&#x27;s time (UTC)") < select.index('<optgroup label="Common">')
    common = select[select.index('<optgroup label="Common">'):select.index("</optgroup>")]
    assert '<option value="America/New_York">New York, United States · UTC-0' in common
    assert '<option value="Asia/Tokyo">Tokyo, Japan · UTC+09:00</option>' in common
    asia = select[select.index('<optgroup label="Asia">'):]
    assert '<option value="Asia/Kolkata">Kolkata, India · UTC+05:30</option>' in asia
    values = re.findall(r'<option value="([^"]*)"', select)
    assert not {"US/Eastern", "EST5EDT", "Japan", "Asia/Calcutta", "Factory"} & set(values)
    assert 300 < len(values) < 450


def test_the_browser_zone_script_is_a_static_file(client, signed_in):
    """Ensure the page loads the browser-zone script from a static file (the CSP allows no inline
    script) and marks the list it works on."""
    page = client.get(SETTINGS).content.decode()
    assert '<script src="/static/parley/zone.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert 'data-browser-zone=""' in zone_select(page)


def test_a_listed_zone_is_saved_and_shown_chosen(client, signed_in):
    """Ensure choosing Europe/Paris saves it and the list shows it chosen."""
    assert client.post(SETTINGS, {"time_zone": "Europe/Paris"}).status_code == 302
    assert Profile.objects.get(user=signed_in).time_zone == "Europe/Paris"
    assert '<option value="Europe/Paris" selected>' in client.get(SETTINGS).content.decode()


def test_an_older_name_a_browser_reports_is_accepted_and_offered_again(client, signed_in):
    """Ensure "Asia/Calcutta" (Chromium's name for India's zone, listed as Asia/Kolkata) is accepted
    and then offered first, chosen, as the reader's current zone."""
    assert client.post(SETTINGS, {"time_zone": "Asia/Calcutta"}).status_code == 302
    assert Profile.objects.get(user=signed_in).time_zone == "Asia/Calcutta"
    select = zone_select(client.get(SETTINGS).content.decode())
    assert '<option value="Asia/Calcutta" selected>Asia/Calcutta (your current zone) · UTC+05:30</option>' in select
    assert select.index('value="Asia/Calcutta"') < select.index('<optgroup label="Common">')


@pytest.mark.parametrize("value", ["Mars/Olympus", "Factory", "localtime", "Europe/" + "x" * 10_000, "<b>UTC</b>"])
def test_an_unknown_zone_is_refused_in_words_and_changes_nothing(client, signed_in, value):
    """Ensure a zone the system does not know (or no place, or 10,000 characters, or markup) is
    answered 400 with why, beside the field, and nothing is saved."""
    Profile.objects.filter(user=signed_in).update(time_zone="Asia/Tokyo")
    refused = client.post(SETTINGS, {"time_zone": value, "digest": "daily"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "is not a time zone Parley knows: choose one from the list" in page
    assert "x" * 100 not in page and "<b>UTC</b>" not in page
    assert Profile.objects.get(user=signed_in).time_zone == "Asia/Tokyo"
    assert not Preferences.objects.filter(user=signed_in, digest="daily").exists()


def test_the_digest_choice_says_it_waits_for_an_address(client, reader):
    """A reader without an address is not told 'weekly digest' as if mail would come."""
    client.force_login(reader("noaddress"))
    assert "Sent once you add and confirm an e-mail address above" in client.get(SETTINGS).content.decode()
    client.force_login(reader("hasaddress", email="has@example.com", verified=True))
    assert "Sent once you add" not in client.get(SETTINGS).content.decode()
