"""`parley enrich [--all | --since DATE | --pending | ARTICLE...]`: (re)run enrichment."""
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parley.articles.models import Article
from parley.enrichment.services import enrich_article


class Command(BaseCommand):
    help = "Run enrichment on articles; a re-run replaces an article's earlier results."

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--since", help="Articles published since this date (YYYY-MM-DD).")
        parser.add_argument("--pending", action="store_true", help="Articles never enriched (the default).")

    def handle(self, article_ids, all, since, pending, **options):
        qs = Article.objects.all()
        if article_ids:
            qs = qs.filter(pk__in=article_ids)
        elif since:
            try:
                qs = qs.filter(published_at__gte=timezone.make_aware(datetime.fromisoformat(since)))
            except ValueError:
                raise CommandError(f"--since must look like 2025-11-25, not {since!r}") from None
        elif not all:
            qs = qs.filter(enrichment__isnull=True)
        done = failed = 0
        for article in qs.iterator(chunk_size=200):
            state = enrich_article(article)
            done += 1
            failed += bool(state.error)
        self.stdout.write(f"enriched {done} article{'s' if done != 1 else ''}" + (f", {failed} failed" if failed else ""))
