"""`parley demo`: load the sample articles (once; again with --refresh)."""
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from parley.articles.demo import demo_drafts
from parley.articles.models import Article, Disclaimer
from parley.articles.services import store_article

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
            if Article.objects.filter(is_sample=True).exists():
                if not refresh:
                    self.stdout.write("Sample articles already loaded (use --refresh to replace them).")
                    return
                Article.objects.filter(is_sample=True).delete()
            results = [store_article(d).status for d in demo_drafts(timezone.now(), count)]
        self.stdout.write(f"Loaded {results.count('imported')} sample articles.")
