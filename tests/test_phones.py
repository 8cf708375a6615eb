"""Phones first (issue 23): a one-row header, an article's first paragraph on the first screen, tap
targets of 24 px (WCAG 2.2, 2.5.8) and no page wider than a 390 x 844 phone in any state, measured in
the page in Chromium.

The pages hold what stretches a phone's screen: the seed article and one with a long headline, outlet
and byline, a comment that is one 5,000-character URL, an unbroken 300-letter word, a reader with a
long name, moderation with long reasons, search filters listing every outlet.
"""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from parley.accounts.setup import MODERATORS
from parley.discussion.services import flag, hide_comment, post_comment, suspend_user
from parley.enrichment.corrections import report_fact
from parley.enrichment.models import Fact
from parley.enrichment.services import enrich_article
from parley.following.events import process_events
from parley.following.models import Follow
from parley.sources.services import import_path
from parley.stories.models import Membership
from parley.stories.services import place_pending
from tests.phone import PHONE, geometry, misses, tap_targets
from tests.test_screens import PASSWORD, broken_references, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 800}
LONG_TITLE = ("Boeing, Airbus and Embraer executives say supply-chain bottlenecks, engine durability problems and "
              "certification delays will keep narrowbody deliveries below 2019 levels until at least 2027, analysts warn")
LONG_OUTLET = "The Extraordinarily Long-Named International Financial and Aerospace Industry Correspondent Desk"
LONG_NAME = "a_reader_whose_name_never_ends_" + "x" * 40
LONG_URL = "https://example.com/" + "a" * 4980


@pytest.fixture
def phone_site(seed_page, reference, make_article):
    """Return the pages to measure, filled with what stretches a phone's screen."""
    from parley.articles.models import Article

    import_path([str(seed_page)], reference_date=reference)
    seed = Article.objects.get()
    enrich_article(seed)
    long = make_article(
        title=LONG_TITLE, outlet=LONG_OUTLET, published_at=timezone.now() - timedelta(hours=2),
        byline="Alexandra Konstantinopoulou-Vandenberghe and Maximilian Oppenheimer-Castellanos",
        body="Boeing Co. (NYSE: BA) said on Tuesday that deliveries would stay below plan, as chief executive "
             "Kelly Ortberg told analysts that \"the factory is stabilising but suppliers are not\".\n\n"
             "Airbus SE said deliveries of its A320neo family were held back by engines.")
    enrich_article(long)
    copy = make_article(title=seed.title, body=seed.body_text, outlet="Second Desk",
                        published_at=seed.published_at + timedelta(hours=1))
    enrich_article(copy)
    place_pending()

    reader = User.objects.create_user("reader", password=PASSWORD)
    reader.groups.add(Group.objects.get(name=MODERATORS))
    other = User.objects.create_user("other", password=PASSWORD)
    stretched = User.objects.create_user(LONG_NAME, password=PASSWORD)
    url_only = post_comment(other, seed, LONG_URL, enforce_limits=False)
    post_comment(stretched, seed, "A word that cannot fit: " + "x" * 300, url_only, enforce_limits=False)
    rude = post_comment(other, seed, "Something rude.", enforce_limits=False)
    hide_comment(reader, rude, "Abuse, see https://example.com/" + "b" * 150 + " and the guidelines on civility")
    flag(reader, post_comment(stretched, long, "Buy my course " + "y" * 200, enforce_limits=False), "spam", "z" * 300)
    suspend_user(reader, stretched, "Spam links in " + "pneumonoultramicroscopicsilicovolcanoconiosis " * 3)
    report_fact(reader, seed, "ticker", Fact.objects.filter(article=seed, kind="ticker").values_list("key", flat=True)[0],
                "wrong-company", "q" * 300)
    ticker = Fact.objects.filter(article=long, kind="ticker").values_list("key", flat=True).first() or "BA"
    for kind, key in [("ticker", ticker), ("outlet", long.outlet.slug), ("article", str(seed.pk))]:
        Follow.objects.create(user=reader, kind=kind, key=key)
    process_events()
    return {
        "seed": seed.get_absolute_url(), "long": long.get_absolute_url(),
        "pages": [long.outlet.get_absolute_url(), f"/search?q=boeing&outlet={long.outlet.slug}",
                  Membership.objects.get(article=copy).story.get_absolute_url(), f"/u/{LONG_NAME}/",
                  "/moderation/log", "/watchlist/", "/moderation/queue", "/moderation/facts", "/inbox/",
                  "/accounts/settings/"],
    }


def sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector("nav.account a.me", state="attached")


def open_everything(page, scope: str) -> None:
    """Open every <details> under `scope`, as a reader tapping each summary would."""
    page.evaluate("(scope) => document.querySelectorAll(scope + ' details').forEach(d => d.open = true)", scope)


def problems_here(page, *, reachable=True) -> list[str]:
    """What is wrong with the page as it is now: width, tap targets, axe-core, and (when nothing
    covers the page) targets a tap at their edge would miss."""
    found = serious(page) + broken_references(page)
    wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if wider > 0:
        found.append(f"{wider} px wider than the screen")
    found += [f"tap target {t}" for t in tap_targets(page)["offenders"]]
    if reachable:
        found += [f"a tap at its edge misses {m}" for m in misses(page)]
    return found


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_an_article_opens_on_its_first_paragraph(live_server, browser, phone_site, signed_in):
    """Ensure on a 390 x 844 phone the header is one row and the first paragraph of the seed article and
    of a long-headline article starts on the first screen, their facts folded below the lead; and
    that a desktop shows the header's links and the facts without a tap, with nothing axe-core
    calls serious."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        if signed_in:
            sign_in(page, live_server.url)
        for name in ("seed", "long"):
            page.goto(live_server.url + phone_site[name])
            found = geometry(page)
            assert found["header_rows"] == 1 and found["header"] <= 64, (name, found)
            assert found["first_paragraph"] < PHONE["height"], (name, found)
            assert page.locator("nav.account").is_visible() is False  # folded in the Menu
            fold = page.locator("details.facts-fold")
            assert fold.get_attribute("open") is None and not page.locator(".facts .chip").first.is_visible()
            assert "$BA" in fold.locator("> summary").inner_text()
            page.click("details.menu summary")
            assert page.locator("nav.sections a:text('Most Discussed')").is_visible()
            page.click("details.menu summary")
            fold.locator("> summary").click()
            assert page.locator(".facts a.chip.ticker:text('$BA')").is_visible()

        page.set_viewport_size(DESKTOP)
        page.goto(live_server.url + phone_site["seed"])
        assert geometry(page)["header_rows"] == 1
        assert page.locator("nav.sections a:text('Active')").is_visible()
        assert not page.locator("details.menu summary").is_visible()
        assert page.locator(".facts a.chip.ticker").first.is_visible()
        assert not page.locator("details.facts-fold > summary").is_visible()
        assert serious(page) == []  # the closed <details> shown through ::details-content included
    finally:
        context.close()


def test_every_state_fits_a_phone_with_targets_a_finger_can_hit(live_server, browser, phone_site):
    """Ensure no page is wider than a 390 px phone, every tap target is 24 x 24 px or spaced as WCAG
    2.5.8 asks and axe-core finds nothing serious, in every state: menu open, facts open, search
    filters open, long names, URLs and words; signed out and signed in (a moderator)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems = {}
    try:
        for signed_in in (False, True):
            if signed_in:
                sign_in(page, live_server.url)
            for path in (phone_site["seed"], phone_site["long"]):
                page.goto(live_server.url + path)
                problems[(signed_in, path, "closed")] = problems_here(page)
                page.click("details.menu summary")
                problems[(signed_in, path, "menu open")] = problems_here(page, reachable=False)
                page.click("details.menu summary")
                open_everything(page, "main")
                problems[(signed_in, path, "everything open")] = problems_here(page)
            for path in phone_site["pages"] if signed_in else phone_site["pages"][:6]:
                page.goto(live_server.url + path)
                open_everything(page, "main")
                problems[(signed_in, path, "open")] = problems_here(page)
        wrong = [f"{'signed in' if signed_in else 'signed out'} {path} ({state}): {found}"
                 for (signed_in, path, state), found in problems.items() if found]
        assert wrong == [], "\n".join(wrong)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_moderation_log_breaks_no_word(live_server, browser, make_article, viewport):
    """Ensure the moderation log splits no word of up to 30 letters across lines, on a phone and a
    desktop (it broke words letter by letter on phones and mid-word on desktop); only longer runs
    such as URLs may break."""
    moderator = User.objects.create_user("moderator_with_a_long_name", password=PASSWORD)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    article = make_article(title="Quarterly earnings of Consolidated Intercontinental Holdings")
    for n in range(3):
        writer = User.objects.create_user(f"commenter_number_{n}", password=PASSWORD)
        comment = post_comment(writer, article, f"Comment {n}", enforce_limits=False)
        hide_comment(moderator, comment, "Off topic; see https://example.com/" + "c" * 120 + " and the rules")
        suspend_user(moderator, writer, "Repeated spam about counterrevolutionaries and telecommunications")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/moderation/log")
        broken = page.evaluate("""() => {
            const log = document.querySelector('main .log');
            const walk = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
            const broken = [];
            for (let node = walk.nextNode(); node; node = walk.nextNode()) {
                for (const m of [...node.data.matchAll(/\\S+/g)].filter(m => m[0].length >= 2 && m[0].length <= 30)) {
                    const range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (tops.size > 1) broken.push(m[0]);
                }
            }
            return broken;
        }""")
        assert page.locator("main .log").inner_text().count("moderator_with_a_long_name") >= 6
        assert broken == []
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()
