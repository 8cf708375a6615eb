"""`parley demo --remove` takes away the demo content (its sample articles with their comments and
stories, its readers, outlets and name rules) and nothing a real reader, source or operator made."""
import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from parley.accounts.models import Profile
from parley.articles.demo import OUTLETS
from parley.articles.models import Article, Disclaimer, Outlet
from parley.discussion.models import Comment
from parley.discussion.services import post_comment
from parley.enrichment.models import NameRule
from parley.enrichment.services import enrich_articles
from parley.following.models import Follow
from parley.stories.models import Membership, Story
from parley.stories.services import place_pending

pytestmark = pytest.mark.django_db
BODY = "Boeing (NYSE: BA) said on Tuesday that deliveries rose to 48 aircraft.\n\nAnalysts expect more."


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def real(make_article):
    """What a real site holds beside the demo: an article placed in its own story, a reader (one of
    them named like a demo reader) who comments, and an operator's name rule."""
    article = make_article(title="Boeing deliveries rise", body=BODY, published_at=timezone.now() - timedelta(hours=1))
    alice = User.objects.create_user("alice", password="a-long-password-42")
    twin = User.objects.create_user("quiet_quant", password="another-long-password-42")
    comment = post_comment(alice, article, "Real words.", enforce_limits=False)
    NameRule.remember("Acme Widgets", "organization", reason="ours")
    return {"article": article, "alice": alice, "twin": twin, "comment": comment}


def test_remove_takes_away_the_demo_and_nothing_else(real):
    """Ensure --remove deletes the sample articles (with their comments, facts and stories), the
    sample readers, outlets and name rules, and keeps the real article, its story and comment, the
    real readers (one named like a demo reader), their follows, the operator's rule and the site's
    default disclaimer."""
    demo("--count", "12")
    sample = list(Article.objects.filter(is_sample=True))
    enrich_articles([*sample, real["article"]])
    place_pending(limit=1000)
    real_story = Membership.objects.get(article=real["article"]).story_id
    assert Story.objects.exclude(pk=real_story).exists()  # the demo's own stories
    # The real reader named like a demo reader is not the demo's: its reader is another account.
    assert not Profile.objects.get(user=real["twin"]).is_sample
    assert Comment.objects.filter(article__is_sample=True, author=real["twin"]).count() == 0
    post_comment(real["alice"], sample[0], "Trying the demo.", enforce_limits=False)
    Follow.objects.create(user=real["alice"], kind="outlet", key=sample[0].outlet.slug)

    said = demo("--remove")
    assert said.startswith("Removed 12 sample articles with their ")
    assert "(1 of them by readers who are not the demo's)" in said and "sample readers" in said
    assert not Article.objects.filter(is_sample=True).exists()
    assert list(Story.objects.values_list("pk", flat=True)) == [real_story]
    assert not User.objects.filter(profile__is_sample=True).exists()
    assert set(User.objects.values_list("username", flat=True)) == {"alice", "quiet_quant"}
    assert real["twin"].has_usable_password() and Comment.objects.filter(pk=real["comment"].pk).exists()
    assert not Outlet.objects.filter(name__in=list(OUTLETS)).exists() and real["article"].outlet.name == "Test Wire"
    assert Outlet.objects.filter(name="Test Wire").exists()
    assert list(NameRule.objects.values_list("words", flat=True)) == ["Acme Widgets"]
    assert Disclaimer.objects.filter(is_default=True).exists()
    assert Follow.objects.filter(user=real["alice"]).count() == 1  # a follow of something gone stays, as ever


def test_the_site_answers_after_removal(client, real):
    """Ensure the home page and the real article's page answer without sample content after --remove."""
    demo("--count", "6")
    demo("--remove")
    home = client.get("/")
    assert home.status_code == 200 and "Sample content" not in home.content.decode()
    assert client.get(real["article"].get_absolute_url()).status_code == 200


def test_remove_with_nothing_to_remove_says_so_and_the_demo_loads_again(real):
    """Ensure --remove on a site without the demo says so, and the demo loads again after a removal."""
    assert demo("--remove") == "No demo content to remove.\n"
    demo("--count", "6")
    demo("--remove")
    assert demo("--remove") == "No demo content to remove.\n"
    assert demo("--count", "6").startswith("Loaded 6 sample articles and ")
    assert Article.objects.filter(is_sample=True).count() == 6


def test_refresh_replaces_the_demo_and_keeps_real_readers(real):
    """Ensure --refresh removes the old demo (readers included) before loading it anew."""
    demo("--count", "6")
    first_readers = set(User.objects.filter(profile__is_sample=True).values_list("pk", flat=True))
    demo("--count", "6", "--refresh")
    assert Article.objects.filter(is_sample=True).count() == 6
    assert not first_readers & set(User.objects.filter(profile__is_sample=True).values_list("pk", flat=True))
    assert User.objects.filter(username__in=["alice", "quiet_quant"]).count() == 2


def test_refresh_and_remove_together_are_refused(real):
    """Ensure asking for --refresh and --remove at once is a clear error that changes nothing."""
    with pytest.raises(CommandError, match="not allowed with argument"):
        demo("--refresh", "--remove")


def test_the_migration_marks_the_readers_an_earlier_demo_made(make_article):
    """Ensure the migration marks as sample the readers an earlier `parley demo` made (its names, no
    password, no address, comments on sample articles only) and not a real reader of such a name."""
    migration = importlib.import_module("parley.accounts.migrations.0007_profile_is_sample")
    sample = make_article(title="Sample", is_sample=True)
    real = make_article(title="Real")
    made = User.objects.create(username="ledger_lynx", password="!unusable")
    User.objects.create(username="bond_vigilante", password="!unusable", email="b@example.com")
    spoke_for_real = User.objects.create(username="macro_maya", password="!unusable")
    post_comment(made, sample, "Demo words.", enforce_limits=False)
    post_comment(spoke_for_real, real, "Real words.", enforce_limits=False)
    migration.mark_demo_readers(apps, None)
    marked = set(Profile.objects.filter(is_sample=True).values_list("user__username", flat=True))
    assert marked == {"ledger_lynx"}
