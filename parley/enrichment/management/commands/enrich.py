"""`parley enrich [--all | --stale | --since DATE | ARTICLE...]`: (re)run enrichment."""
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parley.articles.models import Article
from parley.enrichment.services import BATCH, enrich_articles, stale


class Command(BaseCommand):
    help = "Run enrichment on articles (never-enriched ones by default); a re-run replaces earlier results."

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="Every article.")
        parser.add_argument("--stale", action="store_true",
                            help="Articles never enriched, enriched by an older version, or changed since.")
        parser.add_argument("--since", help="Articles published since this date (YYYY-MM-DD).")

    def handle(self, article_ids, all, since, **options):
        qs = Article.objects.all()
        if article_ids:
            qs = qs.filter(pk__in=article_ids)
        elif since:
            try:
                qs = qs.filter(published_at__gte=timezone.make_aware(datetime.fromisoformat(since)))
            except ValueError:
                raise CommandError(f"--since must look like 2025-11-25, not {since!r}") from None
        elif options["stale"]:
            qs = stale(qs)
        elif not all:
            qs = qs.filter(enrichment__isnull=True)
        done = failed = 0
        # The ids first, then each batch loaded on its own: a cursor left open across writes keeps an
        # old snapshot on SQLite, which cannot start writing once another process (the worker) has
        # written ("database is locked" at once, whatever the timeout).
        ids = list(qs.order_by("-id").values_list("id", flat=True))
        for start in range(0, len(ids), BATCH):
            wanted = ids[start:start + BATCH]
            batch = sorted(Article.objects.filter(pk__in=wanted), key=lambda a: -a.pk)
            done, failed = self._run(batch, done, failed)
        self.stdout.write(f"enriched {done} article{'s' if done != 1 else ''}" + (f", {failed} failed" if failed else ""))

    def _run(self, batch, done, failed):
        states = enrich_articles(batch)
        return done + len(states), failed + sum(bool(s.error) for s in states)
