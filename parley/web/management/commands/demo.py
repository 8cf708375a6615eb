"""`parley demo`: load the sample articles (once; again with --refresh)."""
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from parley.articles.demo import READERS, demo_discussion, demo_drafts, known_names
from parley.articles.models import Article, Disclaimer
from parley.articles.services import store_article
from parley.discussion.services import post_comment
from parley.enrichment.models import NameRule

DEFAULT_DISCLAIMER = (
    "Investing carries risk. Articles and discussions on this site are for general information only "
    "and are not financial advice or an offer to buy or sell any security."
)


class Command(BaseCommand):
    help = "Load deterministic sample articles so every page has something to show."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60)
        parser.add_argument("--refresh", action="store_true", help="Replace existing sample articles (new dates).")

    def handle(self, count, refresh, **options):
        with transaction.atomic():
            Disclaimer.objects.get_or_create(is_default=True, defaults={"text": DEFAULT_DISCLAIMER})
            for words, kind in known_names():
                NameRule.remember(words, kind, reason="invented for Parley's demo")
            if Article.objects.filter(is_sample=True).exists():
                if not refresh:
                    self.stdout.write("Sample articles already loaded (use --refresh to replace them).")
                    return
                Article.objects.filter(is_sample=True).delete()
                User.objects.filter(username__in=READERS, comments__isnull=True).delete()
            now = timezone.now()
            stored = [store_article(d) for d in demo_drafts(now, count)]
            comments = self.load_discussion(now, [r.article.pk for r in stored])
        self.stdout.write(f"Loaded {len(stored)} sample articles and {comments} sample comments.")

    def load_discussion(self, now, article_ids):
        """Post the sample comments through the discussion service, backdated."""
        readers = {}
        posted = {}
        for name, article_id, parent_index, text, when in demo_discussion(now, article_ids):
            if name not in readers:
                readers[name], _ = User.objects.get_or_create(
                    username=name, defaults={"date_joined": now - timedelta(days=90)})
                readers[name].set_unusable_password()
                readers[name].save(update_fields=["password"])
            thread = posted.setdefault(article_id, [])
            parent = thread[parent_index] if parent_index is not None else None
            article = Article.objects.get(pk=article_id)
            thread.append(post_comment(readers[name], article, text, parent, at=when, enforce_limits=False))
        return sum(len(t) for t in posted.values())
