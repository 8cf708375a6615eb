"""Notifications: replies, mentions, followed discussions and new articles, delivered by the outbox
once; blocks, moderation, suspension, settings and limits respected; the inbox and its count."""
import pytest

from parley.accounts.models import Block
from parley.discussion import services
from parley.discussion.mentions import MAX_MENTIONS
from parley.discussion.services import DiscussionError
from parley.following.models import Event, Follow, Notification, Preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(reader, moderator_user):
    return {name: reader(name) for name in ("alice", "bob", "carol", "dave")}


@pytest.fixture
def moderator_user(reader):
    from django.contrib.auth.models import Group

    from parley.accounts.setup import MODERATORS

    mod = reader("mod")
    mod.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    return mod


def notes(user, kind=None):
    scope = Notification.objects.filter(user=user)
    return list(scope.filter(kind=kind) if kind else scope)


def test_reply_and_mention_notify_once_and_only_in_the_background(cast, about, deliver):
    """Ensure a reply tells the parent's author, a mention tells the named reader (once, even when
    named twice or also replied to), the author is never told of themselves, and nothing arrives
    before a worker delivers the event."""
    alice, bob, carol = cast["alice"], cast["bob"], cast["carol"]
    article = about("BA")
    deliver()
    first = services.post_comment(alice, article, "Deliveries look strong.")
    reply = services.post_comment(bob, article, "Agreed, @carol and @Carol, and @alice too. Also @bob.", parent=first)
    assert Notification.objects.count() == 0 and Event.objects.filter(done_at__isnull=True).count() == 2
    assert deliver() == 2
    assert [(n.kind, n.comment_id, n.actor_id) for n in notes(alice)] == [("reply", reply.pk, bob.pk)]
    assert [(n.kind, n.comment_id) for n in notes(carol)] == [("mention", reply.pk)]
    assert notes(bob) == []
    assert 'href="/u/carol/">@carol</a>' in reply.body_html
    assert deliver() == 0  # nothing twice


def test_mentions_are_resolved_once_when_the_comment_is_written(cast, reader, about, deliver):
    """Delivery tells the readers the comment named when it was written (its links say the same): a
    reader signing up as @erin after the comment mentioned nobody of that name is not told, and the
    event carries the ids so delivery looks up no name again."""
    alice, bob = cast["alice"], cast["bob"]
    comment = services.post_comment(alice, about("BA"), "Ask @bob and @erin.")
    assert Event.objects.get(comment=comment).mentioned == [bob.pk]
    erin = reader("erin")
    deliver()
    assert len(notes(bob, "mention")) == 1 and notes(erin) == []
    assert 'href="/u/bob/"' in comment.body_html and "/u/erin/" not in comment.body_html


def test_an_edit_tells_only_readers_newly_mentioned(cast, about, deliver):
    alice, bob, carol = cast["alice"], cast["bob"], cast["carol"]
    article = about("BA")
    comment = services.post_comment(alice, article, "Ask @bob.")
    deliver()
    services.edit_comment(alice, comment, "Ask @bob or @carol.")
    deliver()
    assert len(notes(bob, "mention")) == 1 and len(notes(carol, "mention")) == 1


def test_a_comment_notifies_at_most_ten_names_over_its_life(reader, about, deliver):
    """Ensure edits cannot mention more than MAX_MENTIONS names in all (each edit could name 10 new
    readers: 99 edits told 1,000), a refused edit changes nothing, and a name mentioned before is
    never told twice however often it is removed and written again."""
    alice = reader("alice")
    readers = [reader(f"reader{n}") for n in range(MAX_MENTIONS + 2)]
    names = [f"@reader{n}" for n in range(MAX_MENTIONS + 2)]
    comment = services.post_comment(alice, about("BA"), " ".join(names[:8]))
    deliver()
    services.edit_comment(alice, comment, "Only @reader0 now.")
    services.edit_comment(alice, comment, " ".join(names[:10]))  # two new ones: ten in all
    deliver()
    with pytest.raises(DiscussionError, match="at most 10 readers in all its versions .this edit would make it 11"):
        services.edit_comment(alice, comment, "And " + names[10])
    comment.refresh_from_db()
    assert comment.body_markdown == " ".join(names[:10])
    deliver()
    told = Notification.objects.filter(kind="mention", comment=comment)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(r.pk for r in readers[:10])


def test_unknown_names_and_mass_mentions_get_clear_answers(cast, about, deliver, client):
    alice = cast["alice"]
    article = about("BA")
    comment = services.post_comment(alice, article, "Thanks @nobody_here and @bob")
    assert comment.unknown_mentions == ["nobody_here"]
    assert "@nobody_here" in comment.body_html and "/u/nobody_here/" not in comment.body_html
    eleven = " ".join(f"@reader{n}" for n in range(MAX_MENTIONS + 1))
    with pytest.raises(DiscussionError, match=f"at most {MAX_MENTIONS} readers .this one mentions 11"):
        services.post_comment(alice, article, eleven)
    five_hundred = " ".join(f"@r{n}" for n in range(500))
    client.force_login(alice)
    refused = client.post(f"/a/{article.pk}/comments", {"text": five_hundred})
    assert refused.status_code == 400 and "this one mentions 500" in refused.content.decode()
    assert "@r499" in refused.content.decode()  # the text comes back, nothing lost
    said = client.post(f"/a/{article.pk}/comments", {"text": "cc @ghost"}, follow=True).content.decode()
    assert "No reader is called @ghost; nobody was notified" in said
    deliver()
    assert Notification.objects.filter(kind="mention").count() == 1  # bob, once
    # Code and links are not mentions; an e-mail address is not one either.
    quiet = services.post_comment(alice, article, "Run `@bob` or mail carol@example.com, see [@dave](https://x.example/)")
    assert quiet.unknown_mentions == [] and 'class="mention"' not in quiet.body_html


def test_followed_discussion_groups_new_comments(cast, about, deliver):
    """Ensure followers of a discussion get one notification that counts new comments while unread,
    a fresh one after reading, nothing for their own comments, and a reply is not told twice."""
    alice, bob, carol = cast["alice"], cast["bob"], cast["carol"]
    article = about("BA")
    for user in (alice, carol):
        Follow.objects.create(user=user, kind="article", key=str(article.pk))
    first = services.post_comment(bob, article, "One.")
    services.post_comment(bob, article, "Two.")
    services.post_comment(alice, article, "Three.", parent=first)
    deliver()
    [grouped] = notes(carol, "discussion")
    assert grouped.count == 3 and grouped.comment_id == first.pk
    assert [n.count for n in notes(alice, "discussion")] == [2]  # bob's two, not her own
    assert notes(bob, "reply")[0].actor_id == alice.pk and notes(bob, "discussion") == []
    Notification.objects.filter(user=carol).update(read_at=grouped.updated_at)
    services.post_comment(bob, article, "Four.")
    deliver()
    assert sorted(n.count for n in notes(carol, "discussion")) == [1, 3]


def test_new_articles_about_followed_tickers_are_grouped(cast, about, deliver, make_article):
    """Ensure a fresh article about a followed ticker tells each follower once, later ones grow the
    unread group ("2 new articles about $BA"), and old or unrelated articles tell nobody."""
    from datetime import timedelta

    from django.utils import timezone

    from parley.enrichment.services import enrich_article
    from parley.following.inbox import describe_notification

    alice, bob, carol = cast["alice"], cast["bob"], cast["carol"]
    for user in (alice, bob):
        Follow.objects.create(user=user, kind="ticker", key="BA")
    Preferences.objects.create(user=bob, articles="off")
    about("BA", title="Boeing one")
    about("BA", title="Boeing two")
    about("MSFT", "Microsoft", title="Microsoft one")
    old = make_article(title="Boeing long ago", published_at=timezone.now() - timedelta(days=30),
                       body="Boeing (NYSE: BA) said deliveries rose.")
    enrich_article(old)
    deliver()
    [note] = notes(alice)
    assert (note.kind, note.count, note.group_key) == ("articles", 2, "ticker:BA")
    assert describe_notification(note) == "2 new articles about $BA"
    assert notes(bob) == [] and notes(carol) == []


def test_blocks_moderation_suspension_and_settings_silence_notifications(cast, about, deliver, moderator_user):
    alice, bob, carol, dave = cast["alice"], cast["bob"], cast["carol"], cast["dave"]
    article = about("BA")
    Follow.objects.create(user=carol, kind="article", key=str(article.pk))
    mine = services.post_comment(alice, article, "Mine.")
    deliver()
    Notification.objects.update(read_at=mine.created_at)
    # Alice blocks bob: his reply and mention reach her not, nor does his comment as a discussion update.
    Block.objects.create(blocker=alice, blocked=bob)
    Follow.objects.create(user=alice, kind="article", key=str(article.pk))
    services.post_comment(bob, article, "Hey @alice", parent=mine)
    # Hidden before delivery: nobody hears of it.
    hidden = services.post_comment(dave, article, "Spam for @carol", parent=mine)
    services.hide_comment(moderator_user, hidden, "spam")
    deliver()
    assert notes(alice) == []
    unread = Notification.objects.filter(user=carol, read_at__isnull=True)
    assert [(n.kind, n.count) for n in unread] == [("discussion", 1)]  # bob's only
    # Hidden after delivery: the reply and mention are withdrawn.
    late = services.post_comment(dave, article, "Rude to @carol", parent=mine)
    deliver()
    assert Notification.objects.filter(comment=late).count() == 2
    services.hide_comment(moderator_user, late, "abuse")
    assert Notification.objects.filter(comment=late).count() == 0
    # A reader suspended before delivery: their mentions are not delivered.
    sneaky = services.post_comment(dave, article, "Psst @bob")
    services.suspend_user(moderator_user, dave, "spam wave")
    deliver()
    assert Notification.objects.filter(comment=sneaky).count() == 0
    # Suspended after delivery: their unread replies and mentions are withdrawn too.
    loud = services.post_comment(carol, article, "Hello @bob", parent=mine)
    deliver()
    assert Notification.objects.filter(comment=loud, user=bob).exists()
    services.suspend_user(moderator_user, carol, "harassment")
    assert not Notification.objects.filter(comment=loud).exists()
    services.unsuspend_user(moderator_user, carol, "appeal granted")
    # Settings: mentions off.
    Preferences.objects.create(user=bob, mention="off")
    services.post_comment(carol, article, "@bob what do you think?")
    deliver()
    assert notes(bob, "mention") == []


def test_inbox_page_count_and_marking_read(client, cast, about, deliver):
    alice, bob = cast["alice"], cast["bob"]
    article = about("BA")
    first = services.post_comment(alice, article, "Mine.")
    for n in range(3):
        services.post_comment(bob, article, f"Reply {n}", parent=first)
    deliver()
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert '<span class="count" aria-label="3 unread">3</span>' in page
    inbox = client.get("/inbox/").content.decode()
    assert inbox.count(">bob replied to your comment on") == 3
    one = notes(alice)[0]
    looked = client.get(f"/inbox/{one.pk}/open")  # a GET goes there and changes nothing
    assert looked.status_code == 302 and looked["Location"] == f"/c/{one.comment_id}"
    assert 'aria-label="3 unread"' in client.get("/").content.decode()
    assert f'action="/inbox/{one.pk}/open"' in inbox  # the inbox's link is a button that marks it read
    opened = client.post(f"/inbox/{one.pk}/open")
    assert opened.status_code == 302 and opened["Location"] == f"/c/{one.comment_id}"
    assert 'aria-label="2 unread"' in client.get("/").content.decode()
    client.post("/inbox/read", {"id": notes(alice)[1].pk})
    assert 'aria-label="1 unread"' in client.get("/").content.decode()
    client.post("/inbox/read")
    assert 'class="count"' not in client.get("/").content.decode()
    client.force_login(bob)  # someone else's notification is not found, and cannot be marked
    assert client.get(f"/inbox/{one.pk}/open").status_code == 404
    assert client.post("/inbox/read", {"id": "junk"}).status_code == 302


def test_a_failing_event_is_recorded_and_never_blocks_the_rest(cast, about, deliver, monkeypatch):
    from parley.following import events

    alice, bob = cast["alice"], cast["bob"]
    article = about("BA")
    first = services.post_comment(alice, article, "Mine.")
    services.post_comment(bob, article, "Reply", parent=first)
    calls = []

    def broken(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise RuntimeError("template exploded")
        return events.on_comment(event)

    monkeypatch.setitem(events.HANDLERS, "comment", broken)
    deliver()
    failed = Event.objects.exclude(error="").get()
    assert "RuntimeError: template exploded" in failed.error and failed.done_at is not None
    assert Event.objects.filter(done_at__isnull=True).count() == 0
    assert notes(alice, "reply")  # the next event went through


def test_delivered_events_are_pruned_and_pending_ones_kept(cast, about, deliver):
    from datetime import timedelta

    from django.utils import timezone

    from parley.following.events import KEEP_DELIVERED, prune

    article = about("BA")
    services.post_comment(cast["alice"], article, "One.")
    deliver()
    services.post_comment(cast["alice"], article, "Two.")  # pending
    later = timezone.now() + KEEP_DELIVERED + timedelta(minutes=1)
    assert prune(now=later) == 2  # the article's event and the first comment's
    assert Event.objects.filter(done_at__isnull=True).count() == 1


def test_new_articles_about_a_followed_person_are_grouped_and_say_their_name(client, cast, make_article, deliver):
    """Ensure following a person (from their page, as enrichment names them) brings "N new articles
    about <name>", leading to the first of them, with the person's page (where all are) beside it."""
    from django.utils import timezone

    from parley.articles.models import Article
    from parley.enrichment.services import enrich_article
    from parley.following.inbox import describe_notification, subject_url, target_url

    alice = cast["alice"]
    first = make_article(title="Deliveries rise", published_at=timezone.now(),
                         body="Boeing chief executive Kelly Ortberg said on Tuesday that deliveries rose.")
    enrich_article(first)
    deliver()
    client.force_login(alice)
    client.post("/follow", {"kind": "person", "key": "Kelly Ortberg"})
    assert Follow.objects.filter(user=alice, kind="person", key="kelly-ortberg").exists()
    for title in ["Orders climb", "Strike ends"]:
        later = make_article(title=title, published_at=timezone.now(),
                             body=f"Kelly Ortberg, the chief executive of Boeing, said on Monday that {title.lower()}.")
        enrich_article(later)
    deliver()
    [note] = notes(alice)
    assert describe_notification(note) == "2 new articles about Kelly Ortberg"
    orders = Article.objects.get(title="Orders climb")
    assert target_url(note) == orders.get_absolute_url() and subject_url(note) == "/p/kelly-ortberg/"


def test_a_comment_hidden_after_delivery_leaves_the_groups_it_counted_in(cast, about, deliver, moderator_user):
    """Ensure hiding (or deleting) a delivered comment takes it out of every unread "N new comments"
    group it was counted in, and touches no group that did not count it."""
    alice, bob, carol, dave = cast["alice"], cast["bob"], cast["carol"], cast["dave"]
    article = about("BA")
    for user in (alice, carol):
        Follow.objects.create(user=user, kind="article", key=str(article.pk))
    spam = services.post_comment(bob, article, "Buy my course.")
    services.post_comment(bob, article, "A real point.")
    deliver()
    assert sorted(n.count for n in Notification.objects.filter(kind="discussion")) == [2, 2]
    Notification.objects.filter(user=carol).update(read_at=spam.created_at)  # carol read hers
    Follow.objects.create(user=dave, kind="article", key=str(article.pk))  # dave follows later
    services.post_comment(bob, article, "Third.")
    deliver()
    services.hide_comment(moderator_user, spam, "spam")
    unread = {n.user_id: n.count for n in Notification.objects.filter(kind="discussion", read_at__isnull=True)}
    # alice's group counted it (3 -> 2); carol's new group and dave's came after it (1 each, kept).
    assert unread == {alice.pk: 2, carol.pk: 1, dave.pk: 1}
    assert Notification.objects.get(user=carol, read_at__isnull=False).count == 2  # read: left as it was
    lone = services.post_comment(bob, article, "Only one.")
    Notification.objects.filter(user=dave).update(read_at=lone.created_at)
    deliver()
    services.delete_comment(bob, lone)
    assert not Notification.objects.filter(user=dave, read_at__isnull=True).exists()  # its group of one is gone


def test_mentions_match_names_in_any_case_of_any_script(reader, about, deliver):
    """Ensure @émile links and notifies the reader Émile, and @ΣΩΚΡΆΤΗΣ the reader Σωκράτης, on both
    databases (SQLite's LOWER() folds ASCII only: these mentions were never linked there)."""
    alice, emile, socrates = reader("alice"), reader("Émile"), reader("Σωκράτης")
    comment = services.post_comment(alice, about("BA"), "Ask @émile and @ΣΩΚΡΆΤΗΣ.")
    assert comment.unknown_mentions == []
    assert '>@Émile</a>' in comment.body_html and '>@Σωκράτης</a>' in comment.body_html
    deliver()
    assert [n.comment_id for n in notes(emile, "mention")] == [comment.pk]
    assert [n.comment_id for n in notes(socrates, "mention")] == [comment.pk]


def test_a_renamed_reader_is_mentioned_by_the_new_name(reader, about):
    """Ensure renaming a reader (the admin) moves the key mentions find them by."""
    alice, emile = reader("alice"), reader("Émile")
    emile.username = "Émilie"
    emile.save()
    comment = services.post_comment(alice, about("BA"), "Ask @ÉMILIE, not @émile.")
    assert comment.unknown_mentions == ["émile"] and '>@Émilie</a>' in comment.body_html
