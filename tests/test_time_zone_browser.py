"""The time-zone setting in headless Chromium: the button beside the list chooses the browser's own
zone (a static script, under the site's CSP), and what is saved is what pages then show."""
import pytest
from django.contrib.auth.models import User

from parley.accounts.models import Profile
from tests.test_discussion_browser import PASSWORD
from tests.test_screens import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settings_page(browser, base, zone):
    """A signed-in reader's Settings page in a browser whose own zone is `zone`; CSP reports kept."""
    context = browser.new_context(timezone_id=zone, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda msg: page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector("nav.account a.me", state="attached")
    page.goto(f"{base}/accounts/settings/")
    return context, page


@pytest.mark.parametrize("zone, reported", [("Europe/Paris", "Europe/Paris"), ("Asia/Kolkata", None)])
def test_the_browser_zone_button_chooses_and_saves_the_browsers_zone(live_server, browser, zone, reported):
    """Ensure the button names the browser's zone, chooses it in the list (adding it when the browser
    reports an older name, as Chromium does for India), and Save stores it; no CSP complaint, no
    overflow on a phone, no serious axe-core violation."""
    User.objects.create_user("alice", password=PASSWORD)
    context, page = settings_page(browser, live_server.url, zone)
    try:
        button = page.locator("button.browser-zone")
        button.wait_for()
        name = reported or page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
        assert button.inner_text() == f"Use my browser's time zone ({name.replace('_', ' ')})"
        box = button.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24  # WCAG 2.2's least tap target
        button.click()
        assert page.locator("select[name=time_zone]").input_value() == name
        assert "Save to keep it." in page.locator(".browser-zone-note").inner_text()
        page.click("form.account-form button[type=submit]")
        page.wait_for_selector(".messages")
        assert Profile.objects.get(user__username="alice").time_zone == name
        assert page.locator("select[name=time_zone]").input_value() == name
        assert page.csp_errors == []
        # On a 390 px phone the page (the long zone names, the button) is no wider than the screen,
        # and axe-core finds nothing serious.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious(page) == []
    finally:
        context.close()


def test_without_script_the_list_alone_works(live_server, browser):
    """Ensure with JavaScript off there is no button, and choosing from the list saves the zone."""
    User.objects.create_user("alice", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", PASSWORD)
        page.click("form.account-form button[type=submit]")
        page.goto(f"{live_server.url}/accounts/settings/")
        assert page.locator("button.browser-zone").count() == 0
        page.select_option("select[name=time_zone]", "Asia/Tokyo")
        page.click("form.account-form button[type=submit]")
        assert Profile.objects.get(user__username="alice").time_zone == "Asia/Tokyo"
    finally:
        context.close()
