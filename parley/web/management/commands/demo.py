"""`parley demo`: load the sample articles (once; again with --refresh), or take them away (--remove).

Everything the demo makes is marked: its articles `is_sample`, its readers' profiles `is_sample`,
its name rules by their reason, its prices and invented symbols by their source ("sample (demo)",
parley.markets.samples); its outlets are the invented ones in parley.articles.demo. Removing
takes exactly that away, with what belongs to it (the sample articles' comments, facts and stories),
and nothing a real reader, source or operator made."""
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from parley.accounts.models import Profile
from parley.articles.demo import (
    OUTLETS,
    SEED,
    START_PRICES,
    TICKERS,
    demo_discussion,
    demo_drafts,
    known_names,
)
from parley.articles.models import Article, Disclaimer, Outlet
from parley.articles.services import store_article
from parley.discussion.models import Comment
from parley.discussion.services import post_comment
from parley.enrichment.models import NameRule
from parley.markets.models import DailyBar
from parley.markets.samples import SAMPLE_SOURCE, last_trading_day, remove_sample_prices, store_sample_prices
from parley.stories.models import Membership, Story

DEFAULT_DISCLAIMER = (
    "Investing carries risk. Articles and discussions on this site are for general information only "
    "and are not financial advice or an offer to buy or sell any security."
)
DEMO_RULE = "invented for Parley's demo"  # the reason every name rule the demo makes carries


def _rule_key(words: str) -> str:
    return " ".join(words.split()).casefold()


class Command(BaseCommand):
    help = "Load deterministic sample articles so every page has something to show (--remove takes them away)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60)
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--refresh", action="store_true", help="Replace existing sample articles (new dates).")
        what.add_argument("--remove", action="store_true",
                          help="Remove the demo content (sample articles, readers, outlets, stories, name rules) "
                               "and nothing else.")

    def handle(self, count, refresh, remove=False, **options):
        if remove:
            with transaction.atomic():
                self.stdout.write(self.remove())
            return
        if count < 1:
            raise CommandError("--count must be 1 or more.")
        with transaction.atomic():
            if Article.objects.filter(is_sample=True).exists():
                if not refresh:
                    if not DailyBar.objects.filter(source=SAMPLE_SOURCE).exists():  # a demo from before prices
                        self.stdout.write(f"Added {self.load_prices()} days of sample prices for the demo's companies.")
                    self.stdout.write("Sample articles already loaded (use --refresh to replace them, "
                                      "--remove to take them away).")
                    return
                self.remove()
            Disclaimer.objects.get_or_create(is_default=True, defaults={"text": DEFAULT_DISCLAIMER})
            # An operator's own rule for one of these words is theirs: left as it is.
            theirs = set(NameRule.objects.exclude(reason=DEMO_RULE).values_list("key", flat=True))
            for words, kind, ticker in known_names():
                if _rule_key(words) not in theirs:
                    NameRule.remember(words, kind, ticker=ticker, reason=DEMO_RULE)
            now = timezone.now()
            stored = [store_article(d) for d in demo_drafts(now, count)]
            comments = self.load_discussion(now, [r.article.pk for r in stored])
            days = self.load_prices()
        self.stdout.write(f"Loaded {len(stored)} sample articles and {comments} sample comments, and {days} days of "
                          f"sample prices (source \"{SAMPLE_SOURCE}\") for the invented companies "
                          f"({', '.join(TICKERS.values())}).")

    @staticmethod
    def load_prices() -> int:
        """A year of the invented companies' sample prices, ending on the last weekday."""
        return store_sample_prices(TICKERS, START_PRICES, last_trading_day(timezone.localdate()), SEED)

    def load_discussion(self, now, article_ids):
        """Post the sample comments through the discussion service, backdated, by sample readers."""
        readers = {}
        posted = {}
        for name, article_id, parent_index, text, when in demo_discussion(now, article_ids):
            if name not in readers:
                readers[name] = self.sample_reader(name, now)
            thread = posted.setdefault(article_id, [])
            parent = thread[parent_index] if parent_index is not None else None
            article = Article.objects.get(pk=article_id)
            thread.append(post_comment(readers[name], article, text, parent, at=when, enforce_limits=False))
        return sum(len(t) for t in posted.values())

    @staticmethod
    def sample_reader(name: str, now) -> User:
        """The demo's reader of this name, made (marked sample, no password) if missing. A real reader
        who took the name keeps it: the demo's is then "<name>_sample"."""
        for candidate in (name, f"{name}_sample"):
            user = User.objects.filter(username=candidate).select_related("profile").first()
            if user is None:
                user = User(username=candidate, date_joined=now - timedelta(days=90))
                user.set_unusable_password()
                user.save()
                Profile.objects.filter(user=user).update(is_sample=True)
                return user
            if Profile.objects.filter(user=user, is_sample=True).exists():
                return user
        raise CommandError(f"The demo's reader names {name!r} and {name + '_sample'!r} are both taken by real readers.")

    def remove(self) -> str:
        """Delete the demo content and what belongs to it; return what was removed, in words."""
        sample = Article.objects.filter(is_sample=True)
        articles = sample.count()
        stories = set(Membership.objects.filter(article__is_sample=True).values_list("story_id", flat=True))
        comments = Comment.objects.filter(article__is_sample=True)
        theirs = comments.exclude(author__profile__is_sample=True).count()
        comments = comments.count()
        readers = User.objects.filter(profile__is_sample=True)
        n_readers = readers.count()
        sample.delete()
        # A story is the demo's when its reports were; one that still holds a real report stays. So
        # are the empty stories merged into those.
        n_stories = 0
        while stories:
            emptied = list(Story.objects.filter(pk__in=stories, members__isnull=True).values_list("pk", flat=True))
            stories = set(Story.objects.filter(merged_into__in=emptied, members__isnull=True)
                          .values_list("pk", flat=True)) - set(emptied)
            n_stories += Story.objects.filter(pk__in=emptied).delete()[1].get(Story._meta.label, 0)
        try:
            readers.delete()
        except ProtectedError as error:  # a sample reader made a moderator acted as one: theirs to keep
            raise CommandError("A sample reader has moderated (their actions are kept in the log); "
                               f"nothing was removed. Remove them in the admin first. ({error.args[0]})") from error
        outlets = Outlet.objects.filter(name__in=list(OUTLETS), articles__isnull=True)
        n_outlets = outlets.count()
        outlets.delete()
        rules, _ = NameRule.objects.filter(reason=DEMO_RULE).delete()
        bars, _ = remove_sample_prices()
        if not (articles or n_readers or n_outlets or rules or bars):
            return "No demo content to remove."
        said = (f"Removed {articles} sample articles with their {comments} comments"
                + (f" ({theirs} of them by readers who are not the demo's)" if theirs else "")
                + f", {n_stories} stories, {n_readers} sample readers, {n_outlets} sample outlets, {rules} "
                f"name rules for the demo's invented names and {bars} days of sample prices. Everything else is as "
                "it was (the site's default disclaimer too).")
        return said
