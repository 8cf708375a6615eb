"""Discussion flows in headless Chromium: sign up, sign in, comment, reply, vote, flag, moderate; XSS."""
import pytest
from django.contrib.auth.models import Group, User

from parley.accounts.setup import MODERATORS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-42"
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<svg><script>alert(4)</script></svg>",
    "[click me](javascript:alert(5))",
    "[click me](JaVaScRiPt:alert(6))",
    "[click me](javascript&#58;alert(7))",
    '<a href="javascript:alert(8)">link</a>',
    '<iframe src="javascript:alert(9)"></iframe>',
    "<body onload=alert(10)>",
    "<details open ontoggle=alert(11)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
    '"><script>alert(13)</script>',
    '![x](x" onerror="alert(14))',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">data</a>',
    "[data link](data:text/html,<script>alert(16)</script>)",
    '<object data="javascript:alert(17)"></object>',
    '<embed src="javascript:alert(18)">',
    "<input autofocus onfocus=alert(19)>",
    '<div style="background:url(javascript:alert(20))">styled</div>',
    "&lt;script&gt;alert(21)&lt;/script&gt;",
    "`<script>alert(22)</script>`",
]


def sign_up(page, base, name):
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_selector(f"nav.account a.me:text('{name}')", state="attached")  # folded in a menu on phones


def test_sign_up_comment_reply_vote_flag_and_moderate(live_server, new_page, make_article):
    """Ensure the whole discussion loop works in a real browser without JavaScript of our own."""
    article = make_article(title="Browser thread")
    url = live_server.url + article.get_absolute_url()

    writer = new_page()
    sign_up(writer, live_server.url, "writer")
    writer.goto(url)
    writer.fill("#comment-text", "Margins are the **real** story.")
    writer.click("#comment-form button[type=submit]")
    first = writer.locator("li.comment").first
    assert "Margins are the real story." in first.locator(".comment-body").inner_text()

    first.locator("details:has(summary:text('Reply')) summary").click()
    first.locator("details:has(summary:text('Reply')) textarea").fill("Replying to myself.")
    first.locator("details:has(summary:text('Reply')) button:text('Post reply')").click()
    assert writer.locator("li.comment.depth-1 .comment-body").inner_text().strip() == "Replying to myself."

    voter = new_page()
    sign_up(voter, live_server.url, "voter")
    voter.goto(url)
    voter.locator("li.comment.depth-0 button[aria-label='Vote up']").click()
    assert "▲ 1" in voter.locator("li.comment.depth-0 .score").inner_text()
    voter.locator("li.comment.depth-0 details:has(summary:text('Flag')) summary").click()
    voter.select_option("li.comment.depth-0 select[name=reason]", "off-topic")
    voter.locator("li.comment.depth-0 details:has(summary:text('Flag')) button").click()
    assert "moderators will look" in voter.locator("li.comment.depth-0 .note").inner_text()
    assert "Flagged" in voter.locator("li.comment.depth-0 .flagged-state").inner_text()

    moderator = User.objects.create_user("moddy", password=PASSWORD)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    mod = new_page()
    mod.goto(f"{live_server.url}/accounts/login/")
    mod.fill("#id_username", "moddy")
    mod.fill("#id_password", PASSWORD)
    mod.click("form.account-form button[type=submit]")
    mod.goto(f"{live_server.url}/moderation/queue")
    assert "Margins are the real story." in mod.locator("li.flagged").inner_text()
    mod.get_by_label("Reason for hiding (public)").fill("Off topic")
    mod.click("li.flagged form:has(input[name=reason][id^=hide]) button")
    assert mod.url.endswith("/moderation/queue") and "Hidden;" in mod.locator(".messages").inner_text()

    reader = new_page()
    reader.goto(url)
    assert "[removed by a moderator]" in reader.locator("li.comment.depth-0").inner_text()
    assert "Margins are the real story." not in reader.content()
    reader.goto(f"{live_server.url}/moderation/log")
    assert "Off topic" in reader.locator("ol.log").inner_text()
    assert writer.dialogs == voter.dialogs == mod.dialogs == reader.dialogs == []


def test_xss_payloads_render_as_harmless_text(live_server, new_page, make_article):
    """Ensure twenty-odd well-known XSS payloads in one comment open no dialog and leave no active markup."""
    article = make_article(title="Hostile comment")
    page = new_page()
    sign_up(page, live_server.url, "hostile")
    page.goto(live_server.url + article.get_absolute_url())
    page.fill("#comment-text", "\n\n".join(XSS_PAYLOADS))
    page.click("#comment-form button[type=submit]")
    body = page.locator("li.comment .comment-body").first
    body.wait_for()
    page.wait_for_timeout(500)  # give any injected handler (autofocus, ontoggle, onload) its chance
    assert page.dialogs == []
    active = page.evaluate("""() => {
        const root = document.querySelector('li.comment .comment-body');
        const bad = [];
        for (const el of root.querySelectorAll('*')) {
            if (['SCRIPT','IFRAME','SVG','IMG','OBJECT','EMBED','INPUT','STYLE','MATH','DETAILS','BODY'].includes(el.tagName.toUpperCase())) bad.push(el.tagName);
            for (const a of el.attributes) {
                if (a.name.startsWith('on') || a.name === 'style' || /^\\s*(javascript|data):/i.test(a.value)) bad.push(el.tagName + '@' + a.name);
            }
        }
        return bad;
    }""")
    assert active == []
    text = body.inner_text()
    assert "<script>alert(1)</script>" in text and "onerror=alert(2)" in text


def test_on_a_phone_every_answer_shows_in_view_beside_its_comment(live_server, browser, make_article):
    """On a 390 x 844 phone, far down a long thread: after Flag the answer is in view, focused and
    beside the comment, and the control says Flagged; Delete asks first, then offers Undo in view,
    and Undo brings the comment back; a thread folds and unfolds its replies."""
    from parley.discussion.services import post_comment

    article = make_article(title="A long thread on a phone")
    others = [User.objects.create_user(f"talker{n}", password=PASSWORD) for n in range(3)]
    first = None
    for n in range(40):
        c = post_comment(others[n % 3], article, f"Comment number {n} " + "with some words " * 8,
                         parent=first if n == 1 else None, enforce_limits=False)
        first = first or c
    last = article.comments.order_by("-pk").first()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_up(page, live_server.url, "phoner")
        page.goto(live_server.url + article.get_absolute_url() + "?sort=oldest")
        item = page.locator(f"#c{last.pk}")
        item.locator("details:has(summary:text('Flag')) summary").click()
        item.locator("select[name=reason]").select_option("spam")
        item.locator("details:has(summary:text('Flag')) button").click()
        note = page.locator(f"#c{last.pk} .note")
        note.wait_for()
        box = note.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 844, box
        # focused (for screen readers) once the page has loaded and scrolled to the comment
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('note')")
        assert "moderators will look" in note.inner_text()
        assert page.locator(f"#c{last.pk} .flagged-state").is_visible()

        page.fill("#comment-text", "My own take, soon regretted")
        page.click("#comment-form button[type=submit]:text('Post comment')")
        mine = page.locator("li.comment:has-text('soon regretted')")
        mine.locator("details:has(summary:text('Delete')) summary").click()
        assert "Delete this comment?" in mine.inner_text()
        mine.locator("details:has(summary:text('Delete')) button").click()
        undo = page.locator(".discussion .note button:text('Undo')")
        undo.wait_for()
        box = undo.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 844, box
        assert "soon regretted" not in page.locator("ol.thread").inner_text()
        undo.click()
        page.locator("li.comment:has-text('soon regretted') .note").wait_for()
        assert "Comment restored." in page.locator("li.comment:has-text('soon regretted') .note").inner_text()

        page.goto(live_server.url + article.get_absolute_url() + "?sort=oldest")
        fold = page.locator(f"#c{first.pk} > button.fold")
        assert fold.inner_text().startswith("− Hide 1 reply")
        fold.click()
        assert not page.locator("li.comment.depth-1").is_visible()
        fold.click()
        assert page.locator("li.comment.depth-1").is_visible()
        assert dialogs == []
    finally:
        context.close()
