"""Phone geometry (issue 23): a served Parley measured in Chromium at 390 x 844, page by page.

    python bench/phones.py URL [--user NAME --password P] [PATH ...]

For each page, signed out and (with --user) signed in, as it loads ("closed") and with every <details>
in the page's main part opened ("open"): the header's height and rows, the top of an article's first
paragraph, the smallest side of any tap target, how many targets are under 24 x 24 px, how many of
those WCAG 2.2's spacing exception (2.5.8) does not excuse, and how many px the page is wider than the
screen. Without PATHs: the home page, its first two articles, Most Discussed, Active, search with its
filters, the moderation log. To compare two checkouts, serve each (`parley serve --bind ...`) on its
own data folder and run this against both.
"""
import argparse
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.phone import PHONE, geometry, tap_targets  # noqa: E402

DEFAULT = ["/", "/most-discussed", "/active", "/search?q=shares&since=2000-01-01", "/moderation/log"]


def sign_in(page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector("nav.account a.me", state="attached")


def measure(page) -> dict:
    """The page's geometry and its tap targets' figures, as it is now."""
    targets = tap_targets(page)
    return {**geometry(page), "smallest": targets["smallest"], "count": targets["count"],
            "under": len(targets["under"]), "offenders": len(targets["offenders"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_intermixed_args()
    base = args.url.rstrip("/")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE).new_page()
        paths = args.paths
        if not paths:
            page.goto(base + "/")
            articles = [a for a in page.eval_on_selector_all("a.headline", "els => els.map(e => e.getAttribute('href'))")
                        if re.match(r"/a/\d+/", a or "")]
            paths = DEFAULT[:1] + articles[:2] + DEFAULT[1:]
        print(f"{'page':<48} {'who':<4} {'state':<6} {'header':>6} {'rows':>4} {'1st para':>8} {'smallest':>8} "
              f"{'targets':>7} {'<24':>4} {'not ok':>6} {'wider':>5}")
        for who in ("out", "in") if args.user else ("out",):
            if who == "in":
                sign_in(page, base, args.user, args.password)
            for path in paths:
                page.goto(base + path)
                for state in ("closed", "open"):
                    if state == "open":
                        page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
                    m = measure(page)
                    print(f"{path[:48]:<48} {who:<4} {state:<6} {m['header'] or '-':>6} {m['header_rows']:>4} "
                          f"{m['first_paragraph'] or '-':>8} {m['smallest'] or '-':>8} {m['count']:>7} "
                          f"{m['under']:>4} {m['offenders']:>6} {m['overflow']:>5}")
        browser.close()


if __name__ == "__main__":
    main()
