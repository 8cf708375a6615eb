"""Readers report wrong facts; moderators remove, retype, never tag or keep them. Decisions survive
re-enrichment, go in the public log, and take back the unread notifications a wrong fact caused."""
import pytest
from django.test import Client

from parley.accounts.ratelimit import RateLimited
from parley.discussion.models import ModerationAction
from parley.enrichment import corrections
from parley.enrichment.models import Fact, FactCorrection, FactReport, NameRule, Subject
from parley.enrichment.services import enrich_article
from parley.following.models import Follow, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(reader):
    user = reader("mod")
    user.is_staff = True
    user.save()
    return user


def report(client, article, fact, reason="wrong-company", note=""):
    return client.post(f"/a/{article.pk}/facts/report", {"fact": fact, "reason": reason, "note": note}, follow=True)


def test_a_reader_reports_a_fact_once_and_the_moderator_sees_it(client, reader, moderator, about):
    """Ensure a signed-in reader can report a fact shown on an article (the page says thanks), a second
    report of the same fact by the same reader is refused with a message, a fact the article does not
    have is refused, and moderators, only they, see the report in their queue."""
    article = about("BA", "Boeing")
    alice = reader("alice")
    assert "Report a wrong fact" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert "Report a wrong fact" in client.get(article.get_absolute_url()).content.decode()
    assert "the moderators will look at it" in report(client, article, "ticker|BA").content.decode()
    assert "reported this fact already" in report(client, article, "ticker|BA").content.decode()
    assert "no such fact" in report(client, article, "ticker|ZZZZ").content.decode()
    assert FactReport.objects.count() == 1
    assert client.get("/moderation/facts").status_code == 403
    staff = Client()
    staff.force_login(moderator)
    queue = staff.get("/moderation/facts").content.decode()
    assert "Wrong company or ticker" in queue and article.title in queue


def test_removing_a_ticker_survives_re_enrichment_withdraws_the_notification_and_is_logged(
        client, reader, moderator, about, deliver):
    """Ensure a moderator's removal of a wrong ticker takes it (and its subject) off the article at
    once, keeps it off when the article is enriched again, takes back the follower's unread "new
    article about $BA" notification, resolves the report, and is in the public moderation log."""
    follower = reader("follower")
    Follow.objects.create(user=follower, kind="ticker", key="BA")
    article = about("BA", "Boeing")
    deliver()
    assert Notification.objects.filter(user=follower, group_key="ticker:BA").count() == 1
    alice = reader("alice")
    the_report = corrections.report_fact(alice, article, "ticker", "BA", "wrong-company")
    with pytest.raises(corrections.CorrectionError):
        corrections.correct_fact(moderator, the_report, "remove", "")  # a reason is required
    staff = Client()
    staff.force_login(moderator)
    staff.post(f"/moderation/f/{the_report.pk}/remove", {"reason": "The article is about a different Boeing."})
    assert not Fact.objects.filter(article=article, kind="ticker", key="BA").exists()
    assert not Subject.objects.filter(article=article, kind="ticker", key="BA").exists()
    assert not Notification.objects.filter(user=follower, group_key="ticker:BA").exists()
    enrich_article(article)
    assert not Fact.objects.filter(article=article, kind="ticker", key="BA").exists()
    assert FactReport.objects.get().resolved_at is not None
    log = Client().get("/moderation/log").content.decode()
    assert "ticker BA: removed" in log and "a different Boeing" in log
    assert ModerationAction.objects.get().article == article


def test_retyping_and_never_tagging(reader, moderator, make_article):
    """Ensure "it is an organisation" turns a wrong person into one, kept at re-enrichment, and
    "never tag these words" makes a site rule that holds on other articles too."""
    article = make_article(title="Studio", body="Marvel Studios said on Monday that Marvel Studios will release "
                                                "three films. Chief Executive Jane Roe said sales rose.")
    enrich_article(article)
    people = set(Fact.objects.filter(article=article, kind="person").values_list("key", flat=True))
    alice = reader("alice")
    key = "Jane Roe"
    corrections.correct_fact(moderator, corrections.report_fact(alice, article, "person", key, "not-a-person"),
                             "organization", "Checked: it is not a person.")
    enrich_article(article)
    assert key in people and not Fact.objects.filter(article=article, kind="person", key=key).exists()
    assert Fact.objects.filter(article=article, kind="organization", key=key).exists()
    assert FactCorrection.objects.get().becomes == "organization"

    crown = make_article(title="Crown", body="Viewers of The Crown (NYSE: CCK) loved it. Crown Holdings fell.")
    enrich_article(crown)
    fact = Fact.objects.filter(article=crown, kind="ticker").first()
    assert fact is not None
    corrections.never_tag(moderator, corrections.report_fact(alice, crown, "ticker", fact.key, "wrong-company"),
                          "A TV series, not the can maker.")
    assert NameRule.objects.filter(kind=NameRule.NOTHING).exists()


def test_reports_are_rate_limited_like_comments(reader, make_article):
    """Ensure a reader reporting fact after fact is stopped at the limit (1,000 reports never land)."""
    alice = reader("alice")
    articles = [make_article(title=f"Boeing {n}", body="Boeing (NYSE: BA) said deliveries rose.") for n in range(12)]
    for article in articles:
        enrich_article(article)
    with pytest.raises(RateLimited):
        for article in articles:
            corrections.report_fact(alice, article, "ticker", "BA", "wrong-company")
    assert FactReport.objects.count() == corrections.REPORT_LIMITS[0].limit


def test_a_report_of_a_deleted_article_goes_with_it(client, reader, moderator, about):
    article = about("BA", "Boeing")
    the_report = corrections.report_fact(reader("alice"), article, "ticker", "BA", "wrong-company")
    article.delete()
    staff = Client()
    staff.force_login(moderator)
    assert staff.post(f"/moderation/f/{the_report.pk}/remove", {"reason": "gone"}).status_code == 404


def test_a_site_rule_that_would_match_every_article_is_refused(reader, moderator, make_article):
    """Ensure "never tag" on words that are not a name ("the", "Inc") is refused with a reason and
    changes nothing, and the admin's form says the same."""
    from parley.enrichment.admin import NameRuleAdmin  # noqa: F401 (the admin form validates with clean())

    for words in ("the", "Inc", "a"):
        assert NameRule.problem(words)
        with pytest.raises(ValueError):
            NameRule.remember(words, NameRule.NOTHING)
    article = make_article(title="Boeing", body="Boeing (NYSE: BA) said deliveries rose.")
    enrich_article(article)
    Fact.objects.filter(article=article, kind="ticker").update(text="the")
    the_report = corrections.report_fact(reader("alice"), article, "ticker", "BA", "wrong-company")
    with pytest.raises(corrections.CorrectionError, match="not a name|almost every article"):
        corrections.never_tag(moderator, the_report, "no")
    assert not NameRule.objects.exists() and FactReport.objects.get().resolved_at is None
    with pytest.raises(Exception, match="almost every article|not a name"):
        NameRule(words="the", kind=NameRule.NOTHING).full_clean()
