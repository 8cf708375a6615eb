"""The search page in Chromium on a 390 x 844 phone: filters open with an unknown value of each kind,
forty long-named outlets, suggestions a reader taps, a topic picked from the list."""
import pytest

from parley.enrichment.services import enrich_article
from tests.phone import PHONE, tap_targets
from tests.test_screens import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_OUTLET = "The Extraordinarily Long-Named International Financial and Aerospace Industry Correspondent Desk"


@pytest.fixture
def search_site(make_article):
    """Boeing articles (one tagged $BA, from the long-named outlet) and forty more outlets with long names."""
    tagged = make_article(title="Boeing lifts deliveries", outlet=LONG_OUTLET,
                          body="Boeing (NYSE: BA) delivered more jets to airlines as earnings beat forecasts.")
    enrich_article(tagged)
    make_article(title="Airlines wait for Boeing jets", outlet="Travel Wire", body="Deliveries are late this winter.")
    for n in range(40):
        make_article(title=f"Copper note {n}", outlet=f"{LONG_OUTLET} number {n}")
    return tagged


def fits(page) -> list[str]:
    """What keeps the page from fitting a phone: width, tap targets, serious axe-core findings."""
    found = serious(page)
    wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if wider > 0:
        found.append(f"{wider} px wider than the screen")
    return found + [f"tap target {t}" for t in tap_targets(page)["offenders"]]


def test_unknown_filter_values_fit_a_phone_and_their_suggestions_lead_to_results(live_server, browser, search_site):
    """Ensure on a phone the filters open on unknown values, each said in words with a suggestion to
    tap, fit the screen (no wider, 24 px targets, no serious axe-core finding); tapping the topic's
    and the ticker's suggestions re-runs the search with them."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/search?q=boeing&topic=aviation&ticker=boeing&outlet=extraordinarily")
        assert page.locator("details.filters").get_attribute("open") is not None
        said = page.locator("p.unknown-filter").all_inner_texts()
        assert len(said) == 3 and all("so that filter was left out" in s for s in said)
        assert fits(page) == []
        page.locator("p.unknown-filter a", has_text="aviation and defence").click()
        page.wait_for_url("**topic=aviation-and-defence**")
        assert page.locator("#s-topic").input_value() == "aviation-and-defence"
        page.goto(live_server.url + "/search?q=deliveries&ticker=boeing")
        page.locator("p.unknown-filter a", has_text="$BA").click()
        page.wait_for_url("**ticker=BA**")
        assert page.locator("a.headline").all_inner_texts() == ["Boeing lifts deliveries"]
        assert page.locator("p.count").inner_text() == "1 article matches."
        assert fits(page) == []
    finally:
        context.close()


def test_an_outlet_typed_from_the_list_filters(live_server, browser, search_site):
    """Ensure a reader can type an outlet's name (the list offers the busiest) and pick a topic from
    the list, and the search keeps them, on a phone, within the screen."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/search?q=boeing")
        page.click("details.filters summary")
        assert page.locator("#s-outlets option").count() == 30
        page.fill("#s-outlet", "travel wire")
        page.click("details.filters button[type=submit]")
        page.wait_for_url("**outlet=travel+wire**")
        assert page.locator("a.headline").all_inner_texts() == ["Airlines wait for Boeing jets"]
        assert page.locator("#s-outlet").input_value() == "Travel Wire"
        assert not page.locator("p.unknown-filter").count()
        page.select_option("#s-topic", "energy")
        page.fill("#s-outlet", "")
        page.click("details.filters button[type=submit]")
        page.wait_for_url("**topic=energy**")
        assert page.locator("#s-topic").input_value() == "energy"
        assert fits(page) == []
    finally:
        context.close()
