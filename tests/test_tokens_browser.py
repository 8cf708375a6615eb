"""A reader's own API token in headless Chromium on a phone-sized screen: made in Settings with a
name holding markup, its key shown once and working, revoked with the answer in sight."""
import json
import urllib.error
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from parley.accounts.tokens import issue_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-42"
PHONE = {"width": 390, "height": 844}
NAME = '<b>laptop</b> "cron" & co'


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]


def wider_than_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def in_view(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def api_me(base, key) -> int:
    request = urllib.request.Request(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.loads(answer.read())["username"] == "tokenreader"
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_reader_makes_uses_and_revokes_a_token_on_a_phone(live_server, new_page):
    """Ensure a reader creates a named token in Settings, sees its key once (not on Settings after),
    uses it, and revokes it with the note in sight; both pages fit the phone and pass axe-core."""
    reader = User.objects.create_user("tokenreader", password=PASSWORD)
    page = new_page()
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "tokenreader")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector("nav.account a.me", state="attached")

    page.goto(f"{base}/accounts/settings/")
    assert page.locator("#api-tokens").inner_text().count("You have no API tokens.") == 1
    page.fill("#token-name", NAME)
    page.click("#api-tokens button:text('Create token')")
    key = page.input_value("#token-key")
    assert key.startswith("pt_") and in_view(page, "#token-key")
    assert page.locator(".token-name").inner_text() == NAME  # shown as text, not markup
    assert not wider_than_the_screen(page) and serious(page) == []
    assert api_me(base, key) == 200

    issue_token(reader, "w" * 100)  # a name of one long word must wrap, not widen the page
    page.click("text=Back to your settings")
    assert page.locator("#api-tokens table.tokens tbody tr").count() == 2
    row = page.locator("#api-tokens table.tokens tbody tr").filter(has_text="laptop")
    assert row.locator(".token-name").inner_text() == NAME
    assert page.evaluate("() => { const t = document.querySelector('table.tokens'); return t.scrollWidth <= t.clientWidth; }"), \
        "the tokens' table scrolls sideways on a phone"
    assert key not in page.content()
    assert not wider_than_the_screen(page) and serious(page) == []
    revoke = row.locator("button")
    box = revoke.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    revoke.click()
    page.wait_for_selector("#api-tokens .tokens-notes")
    assert "Revoked “" + NAME + "”" in page.locator("#api-tokens .tokens-notes").inner_text()
    assert in_view(page, "#api-tokens .tokens-notes")
    assert page.locator("#api-tokens table.tokens tbody tr").count() == 1
    assert api_me(base, key) == 401
