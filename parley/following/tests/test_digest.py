"""Digests worth opening: each item with its outlet, time (the reader's zone) and first line, in both
parts; `parley digest --dry-run --to NAME` prints a reader's digest and sends and marks nothing; a
run that finds nothing to send says which run sent it and when."""
import io
import socket
import zoneinfo
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail as outbox
from django.core.management import CommandError, call_command
from django.utils import timezone

from parley.accounts.models import Profile
from parley.discussion import services
from parley.enrichment.services import enrich_article
from parley.following.digest import LEAD_CHARS, one_line, send_due
from parley.following.models import Digest, Follow, Preferences
from parley.jobs.registry import BY_NAME
from parley.outgoing.models import Mail
from tests.smtpd import GoodSmtp

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
BODY = ("Boeing (NYSE: BA) said on Tuesday that deliveries rose to 48 aircraft in the quarter.\n\n"
        "Analysts expect more.")


@pytest.fixture
def smtp(settings):
    """Mail as in production: queued, then sent by the queue's sender to an SMTP server on 127.0.0.1."""
    server = GoodSmtp()
    settings.EMAIL_BACKEND = "parley.outgoing.backend.QueueBackend"
    settings.PARLEY_MAIL_TRANSPORT = "parley.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.PARLEY_EMAIL_TIMEOUT = 5
    yield server
    server.close()


@pytest.fixture
def news(make_article):
    """Return a function storing and enriching a fresh article with this title and body."""
    def make(title, body=BODY, outlet="Harbor Wire", minutes_ago=90):
        article = make_article(title=title, outlet=outlet, body=body,
                               published_at=timezone.now() - timedelta(minutes=minutes_ago))
        enrich_article(article)
        return article
    return make


@pytest.fixture
def alice(reader, news, deliver):
    """A verified reader in Tokyo following $BA, with a reply waiting and a fresh article about $BA."""
    alice = reader("alice", email="alice@example.com", verified=True)
    Profile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    bob = reader("bob")
    Follow.objects.create(user=alice, kind="ticker", key="BA")
    article = news("Boeing deliveries rise")
    first = services.post_comment(alice, article, "Strong quarter.")
    services.post_comment(bob, article, "Not so sure: the **order book** matters more than one quarter.", parent=first)
    deliver()
    outbox.outbox.clear()
    return User.objects.select_related("profile").get(pk=alice.pk)


def run(*args) -> str:
    """Run `parley digest` with these arguments; return what it printed."""
    out = io.StringIO()
    call_command("digest", *args, stdout=out, stderr=out)
    return out.getvalue()


def parts(message) -> tuple[str, str]:
    """The text and HTML parts of a mail the SMTP server received."""
    found = {part.get_content_type(): part.get_payload(decode=True).decode().replace("\r\n", "\n")
             for part in message.walk()
             if part.get_content_type() in ("text/plain", "text/html")}
    return found["text/plain"], found["text/html"]


def test_each_item_has_its_outlet_time_and_lead_in_both_parts(alice, smtp):
    """Ensure the mailed digest (through the queue and SMTP) gives each followed article its outlet,
    its time in the reader's zone and its first line, and the reply its first words, in text and HTML."""
    from parley.articles.models import Article

    article = Article.objects.get(title="Boeing deliveries rise")
    tokyo = article.published_at.astimezone(TOKYO)
    printed = run()
    assert "digests: 1 sent" in printed and "mail: 1 sent from the queue" in printed
    [message] = smtp.received
    text, html = parts(message)
    stamp = f"{tokyo.day} {tokyo:%b}, {tokyo:%H:%M} JST"
    assert "* Boeing deliveries rise (you follow $BA)" in text
    assert f"  Harbor Wire · {tokyo:%a} {stamp}\n" in text
    assert "  Boeing (NYSE: BA) said on Tuesday that deliveries rose to 48 aircraft in the quarter.\n" in text
    assert f"Harbor Wire · {tokyo:%a} {stamp} · you follow $BA" in html
    assert "Boeing (NYSE: BA) said on Tuesday that deliveries rose" in html
    # The reply: who, on what, from where, and its first words (Markdown's markup gone).
    assert "bob replied to your comment on “Boeing deliveries rise”" in text
    assert "Not so sure: the order book matters more than one quarter." in text
    assert "Not so sure: the order book matters more than one quarter." in html and "**" not in html


def test_html_part_escapes_a_lead_and_the_text_part_does_not(alice, news):
    """Ensure an article's lead with markup is escaped in the HTML part and plain in the text part."""
    news("Boeing and AT&T", body="Boeing (NYSE: BA) & <b>partners</b> <script>x()</script> signed.")
    send_due()
    [message] = outbox.outbox
    html = message.alternatives[0][0]
    assert "&lt;script&gt;" in html and "<script>" not in html and "<b>partners" not in html
    assert "& <b>partners</b> <script>x()</script> signed." in message.body


def test_a_long_lead_is_cut_at_a_word_on_one_line():
    """Ensure a lead longer than LEAD_CHARS, with line breaks, is one line cut at a word, with an ellipsis."""
    text = "Deliveries\nrose " + "steadily " * 40
    line = one_line(text)
    assert "\n" not in line and len(line) <= LEAD_CHARS and line.endswith("steadily…")
    assert one_line("  short   and\nsweet ") == "short and sweet"


def test_a_hidden_reply_shows_no_words_in_the_digest(alice):
    """Ensure a reply hidden after it was delivered lends the digest none of its text."""
    from parley.discussion.models import Comment

    Comment.objects.filter(author__username="bob").update(is_hidden=True)  # its notification left unread
    send_due()
    [message] = outbox.outbox
    assert "bob replied to your comment" in message.body and "order book" not in message.body
    assert "order book" not in message.alternatives[0][0]


def test_dry_run_prints_both_parts_and_sends_and_marks_nothing(alice, smtp):
    """Ensure `parley digest --dry-run --to alice` prints the mail (subject, text and HTML parts)
    while no mail is queued or sent, no digest is taken and her next one is not moved."""
    printed = run("--dry-run", "--to", "alice")
    assert "nothing is sent and nothing is marked" in printed and "alice's digest is due now" in printed
    assert "To: alice@example.com" in printed and "Subject: Your digest: 2 new for you this week" in printed
    assert "--- text part ---" in printed and "* Boeing deliveries rise (you follow $BA)" in printed
    assert "--- HTML part ---" in printed and "<h2>From what you follow</h2>" in printed
    assert Mail.objects.count() == 0 and smtp.received == [] and outbox.outbox == []
    assert not Digest.objects.exists()
    assert not Preferences.objects.filter(user=alice, next_digest_at__isnull=False).exists()
    # Only the text part, when asked; and what it printed is what a real run then sends.
    text_only = run("--dry-run", "--to", "alice", "--part", "text")
    assert "--- text part ---" in text_only and "--- HTML part ---" not in text_only and "<h2>" not in text_only
    run()
    [message] = smtp.received
    assert parts(message)[0].split("\n--\n")[0] in printed  # up to the footer (its signed links carry the time)


def test_a_run_after_the_worker_says_when_and_by_whom_it_was_sent(alice, smtp):
    """Ensure that once the worker's digest job has sent the digests, `parley digest` says none is
    due, who sent them (the worker, on which machine) and when, and when the next is due; and the
    dry run for the reader says the same of hers."""
    BY_NAME["digest"].run(100)  # the worker's job, as a worker round calls it
    assert Digest.objects.get().sent_by.startswith(f"the worker on {socket.gethostname()} (pid ")
    printed = run()
    assert "0 sent" not in printed
    assert "digests: none due now; every due digest has been sent. In the last 24 hours:" in printed
    assert f"1 sent and 0 with nothing new by the worker on {socket.gethostname()}" in printed
    assert "(just now)" in printed and "The next is due at" in printed
    preview = run("--dry-run", "--to", "alice")
    assert "alice: the weekly digest of week" in preview and "was sent at" in preview
    assert "by the worker on" in preview and "so far it would hold what follows" in preview
    assert Digest.objects.count() == 1 and Mail.objects.count() == 1  # the worker's, queued once


def test_a_run_that_meets_a_digest_another_run_took_names_that_run(alice):
    """Ensure a run that finds a due reader's digest already taken (two machines racing) says whose
    and when: here an earlier `parley digest`."""
    first = run()
    assert "digests: 1 sent" in first
    assert Digest.objects.get().sent_by.startswith("`parley digest` on ")
    Preferences.objects.filter(user=alice).update(next_digest_at=None)  # as if a second machine raced
    printed = run()
    assert "0 sent, 0 with nothing new, 1 sent by another process" in printed
    assert "alice: the weekly digest of week" in printed and "was sent at" in printed
    assert "by `parley digest` on" in printed and len(outbox.outbox) == 1


def test_verbose_run_lists_each_digest(alice, reader):
    """Ensure `parley digest -v 2` names each reader's digest and what became of it."""
    reader("quiet", email="quiet@example.com", verified=True)
    printed = run("-v", "2")
    assert "alice: the weekly digest of week" in printed and "sent, 2 items" in printed
    assert "quiet: the weekly digest of week" in printed and "had nothing new" in printed


def test_dry_run_without_a_reader_lists_who_would_get_one(alice, reader):
    """Ensure `parley digest --dry-run` lists the due readers and what each would get, marking nothing."""
    reader("quiet", email="quiet@example.com", verified=True)
    printed = run("--dry-run")
    assert "send alice: the weekly digest of week" in printed and ", 2 items" in printed
    assert "skip quiet: nothing new since" in printed and "1 digest would be sent" in printed
    assert not Digest.objects.exists() and outbox.outbox == []


def test_dry_run_says_why_a_reader_gets_no_digest(reader, alice):
    """Ensure the dry run for a reader with an unconfirmed address says so, and for one who turned
    digests off says that."""
    reader("carol", email="carol@example.com", verified=False)
    assert "No digest goes to carol: the reader has not confirmed c***@example.com" in run("--dry-run", "--to", "carol")
    Preferences.objects.update_or_create(user=alice, defaults={"digest": Preferences.NEVER})
    assert "No digest goes to alice: the reader turned digests off" in run("--dry-run", "--to", "alice")


@pytest.mark.parametrize("args, says", [
    (["--dry-run", "--to", "nobody"], "No reader is named 'nobody'"),
    (["--to", "alice"], "--to works with --dry-run only"),
    (["--limit", "-1"], "--limit must be 0 or more"),
])
def test_bad_arguments_get_a_clear_message(alice, args, says):
    """Ensure an unknown reader, --to without --dry-run and a negative limit are refused in words, sending nothing."""
    with pytest.raises(CommandError, match=says):
        run(*args)
    assert outbox.outbox == [] and not Digest.objects.exists()


def test_nothing_ever_sent_says_so(db):
    """Ensure a run on a site with no digest due and none ever sent says exactly that."""
    assert "digests: none due now, and none has been sent yet." in run()


